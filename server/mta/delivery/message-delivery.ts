import { MailError } from '../../core/mail-error.js';
import type { Clock } from '../../core/clock.js';
import type { Tracer } from '../../core/tracer.js';
import type { DirectoryRecipient } from '../../directory/client.js';
import type { QueueStore, RecipientUpdate } from '../../queue/queue-store.js';
import type { QueuedMessage, QueuedRecipient } from '../../queue/types.js';
import { parseRoute, type Route } from '../route.js';
import type { ExpansionTarget, Router } from '../router.js';
import { planExpansion } from './expansion.js';
import type { Bouncer } from '../dsn/bouncer.js';
import {
  crossesDelayWarning,
  holdGivenUp,
  reportedRecipient,
  sendNotices,
  type NoticeContext,
  type PendingFailure,
} from './sender-notices.js';
import type { DeliveryChannel, DeliveryHop, RecipientOutcome } from './channel.js';
import { nextAttemptAt } from './retry-policy.js';

export interface MessageDeliveryOptions {
  node: string;
  queue: QueueStore;
  clock: Clock;
  tracer: Tracer;
  router: Pick<Router, 'resolve'>;
  channels: Record<Route['channel'], DeliveryChannel>;
  retryScheduleMinutes: number[];
  /** Ages (minutes since arrival) at which the sender is warned that delivery is delayed. */
  delayWarningMinutes?: number[];
  bouncer: Bouncer;
}

interface RoutedRecipient {
  recipient: QueuedRecipient;
  route: Route;
}

/** The RCPT-time directory entries of a message, by lower-case address. */
export type RcptLookups = ReadonlyMap<string, DirectoryRecipient>;

/** A message the caller already holds (just committed), so the pass need not read it back. */
export interface LoadedMessage {
  message: QueuedMessage;
  raw: Buffer;
  /** Entries the RCPT checks found moments ago: routing uses them instead of searching again. */
  rcptLookups?: RcptLookups;
}

/**
 * One pass over one queued message: route each due recipient (directory lookup),
 * expand groups and forwarding, then one delivery attempt per destination host, and
 * record every per-recipient outcome in the queue before telling the trace.
 */
export class MessageDelivery {
  /** Recipients that failed for good in this pass: recorded at the end, after one bounce reports them all. */
  private readonly failures: PendingFailure[] = [];
  /** Recipients whose retries ran out in this pass: bounced, and the message held. */
  private readonly givenUp: PendingFailure[] = [];
  /** Notices the sender asked for or gets by default (RFC 3461): delays and successes. */
  private readonly notices: { delayed: PendingFailure[]; delivered: PendingFailure[] } = { delayed: [], delivered: [] };
  /**
   * This pass's routes by recipient id, as JSON text. The queue records a route with
   * the recipient's outcome, in the same write, not in one of its own: it is only a
   * record of the last decision (every pass routes again), and a message delivered at
   * once then costs the queue two writes instead of three.
   */
  private readonly routes = new Map<number, string>();
  /** Set when a queue update reports that no recipient of the message is left waiting. */
  private messageDone = false;
  private expanded = false;

  constructor(private readonly opts: MessageDeliveryOptions) {}

  /** Returns whether the pass added recipients (an expansion) that are due now. */
  async run(
    queueId: string,
    recipients: QueuedRecipient[],
    loaded?: LoadedMessage,
  ): Promise<{ newRecipients: boolean }> {
    const message = loaded?.message ?? this.opts.queue.get(queueId);
    const raw = loaded?.raw ?? this.opts.queue.raw(queueId);
    if (!message || !raw) return { newRecipients: false }; // deleted by an operator meanwhile
    const lookups = loaded?.rcptLookups;
    const routed = await Promise.all(
      recipients.map((r) => this.routeOne(message, r, lookups?.get(r.address.toLowerCase()))),
    );
    const byDestination = new Map<string, RoutedRecipient[]>();
    for (const item of routed) {
      if (!item) continue;
      const key = `${item.route.channel} ${item.route.host}`;
      byDestination.set(key, [...(byDestination.get(key) ?? []), item]);
    }
    let attemptNo = 0;
    await Promise.all(
      [...byDestination.values()].map((group) => this.attempt(message, raw, group, `${queueId}.d${++attemptNo}`)),
    );
    await this.recordFailures(message, raw);
    await holdGivenUp(this.noticeContext(), message, raw, this.givenUp);
    await sendNotices(this.opts.bouncer, message, raw, this.notices);
    if (this.messageDone) {
      // A message just committed and handed over whole has no earlier passes whose
      // failures the queue would have to tell us about.
      const wholeFirstPass = loaded !== undefined && recipients.length === loaded.message.recipients.length;
      const failedBefore = () =>
        !wholeFirstPass && this.opts.queue.get(queueId)?.recipients.some((r) => r.status === 'failed');
      const outcome = this.failures.length > 0 || failedBefore() ? 'failed' : 'delivered';
      this.emit(message, queueId, { kind: 'message.dequeued', data: { queueId, outcome } });
    }
    return { newRecipients: this.expanded };
  }

  /** Returns the route, or undefined when the recipient was expanded or finished here. */
  private async routeOne(
    message: QueuedMessage,
    recipient: QueuedRecipient,
    rcptLookup: DirectoryRecipient | undefined,
  ): Promise<RoutedRecipient | undefined> {
    // A stored route is only a record of the last decision: the directory may have
    // changed since (a user moved to another store), so look again — unless the route
    // was pinned by an expansion (a forward's own copy must not be forwarded again).
    const known = parseRoute(recipient.route);
    if (known?.pinned) return { recipient, route: known };
    const { queueId } = message;
    let decision;
    try {
      const trace = { traceId: message.traceId, spanId: queueId };
      decision = await this.opts.router.resolve(recipient.address, trace, rcptLookup);
    } catch (err) {
      await this.defer(message, recipient, MailError.from(err, 'router'), 'router');
      return undefined;
    }
    if (decision.kind === 'fail') {
      await this.fail(
        message,
        recipient,
        decision.error.code,
        `${decision.error.enhanced} ${decision.error.publicText}`,
        'router',
      );
      return undefined;
    }
    if (decision.kind === 'expand') {
      await this.expand(message, recipient, decision.into, decision.reason);
      return undefined;
    }
    this.routes.set(recipient.recipientId, JSON.stringify(decision.route));
    this.emit(message, queueId, {
      kind: 'route.resolved',
      data: {
        queueId,
        recipient: recipient.address,
        originalRecipient: recipient.originalAddress,
        route: decision.route.kind,
        host: decision.route.host,
        channel: decision.route.channel,
        reason: decision.route.reason,
        fromRcptLookup: rcptLookup ? true : undefined,
      },
    });
    return { recipient, route: decision.route };
  }

  private async expand(
    message: QueuedMessage,
    recipient: QueuedRecipient,
    into: ExpansionTarget[],
    reason: string,
  ): Promise<void> {
    const current = this.opts.queue.get(message.queueId)?.recipients ?? message.recipients;
    const plan = planExpansion(current, recipient, into);
    if (plan.kind === 'loop') {
      const text = `5.4.6 <${recipient.address}>: routing loop detected (${reason})`;
      await this.fail(message, recipient, 550, text, 'router');
      return;
    }
    this.expanded ||= plan.fresh.length > 0;
    this.opts.queue.expand(
      recipient.recipientId,
      plan.fresh.map(({ address, originalAddress, route }) => ({
        address,
        originalAddress,
        route: route ? JSON.stringify(route) : undefined,
      })),
      'router',
    );
    // Nobody new and everyone already served: the expansion itself may have finished the message.
    if (plan.fresh.length === 0 && this.opts.queue.get(message.queueId)?.status === 'done') this.messageDone = true;
    this.emit(message, message.queueId, {
      kind: 'recipient.expanded',
      data: { queueId: message.queueId, recipient: recipient.address, into: plan.fresh.map((r) => r.address), reason },
    });
  }

  private async attempt(message: QueuedMessage, raw: Buffer, group: RoutedRecipient[], spanId: string): Promise<void> {
    const { route } = group[0]!;
    const channel = this.opts.channels[route.channel];
    const recipients = group.map((g) => g.recipient);
    const { node } = this.opts;
    const attempted = {
      queueId: message.queueId,
      recipients: recipients.map((r) => r.address),
      channel: channel.name,
      host: route.host,
      attempt: Math.max(...recipients.map((r) => r.attempts)) + 1,
    };
    // This event opens the attempt (span .dN). A channel that reports hops draws the
    // links itself, one event per host really tried (span .dN.aM, with mx/port), so
    // here it gets no from/to: for an MX channel route.host is a domain, not a node.
    // Delivery inside the host itself (an MTA with its own mailboxes) crosses no link.
    const link = channel.reportsHops || sameHost(route.host, node) ? {} : { from: node, to: route.host };
    this.opts.tracer.emit({
      kind: 'delivery.attempted',
      node,
      ...link,
      traceId: message.traceId,
      spanId,
      parentSpanId: message.queueId,
      data: attempted,
    });
    let hopNo = 0;
    const onHop = (hop: DeliveryHop): void => {
      this.opts.tracer.emit({
        kind: 'delivery.attempted',
        node,
        from: node,
        to: hop.host,
        traceId: message.traceId,
        spanId: `${spanId}.a${++hopNo}`,
        parentSpanId: spanId,
        data: {
          ...attempted,
          mx: hop.host,
          ...(hop.preference !== undefined ? { preference: hop.preference } : {}),
          ...(hop.port !== undefined ? { port: hop.port } : {}),
        },
      });
    };
    // The far end said no (or nothing): drawn back from that host, before the next is tried.
    const onHopFailed = (hop: DeliveryHop, reason: string): void => {
      this.opts.tracer.emit({
        kind: 'delivery.hopFailed',
        node,
        from: hop.host,
        to: node,
        traceId: message.traceId,
        spanId: `${spanId}.a${hopNo}`,
        parentSpanId: spanId,
        data: {
          queueId: message.queueId,
          recipients: attempted.recipients,
          channel: channel.name,
          host: hop.host,
          ...(hop.port !== undefined ? { port: hop.port } : {}),
          ...(hop.preference !== undefined ? { preference: hop.preference } : {}),
          reason,
        },
      });
    };
    const outcomes = await channel.deliver({
      queueId: message.queueId,
      traceId: message.traceId,
      spanId,
      sender: message.sender,
      raw,
      host: route.host,
      recipients,
      envId: message.envId,
      onHop,
      onHopFailed,
    });
    await Promise.all(outcomes.map((o) => this.record(message, recipients, o, route, spanId)));
  }

  private async record(
    message: QueuedMessage,
    recipients: QueuedRecipient[],
    outcome: RecipientOutcome,
    route: Route,
    spanId: string,
  ): Promise<void> {
    const recipient = recipients.find((r) => r.recipientId === outcome.recipientId);
    if (!recipient) return;
    // The host that answered (mx2.example.com), not the one routed to (example.com).
    const host = outcome.via?.host ?? route.host;
    if (outcome.status === 'delivered') {
      const details = { channel: route.channel, host, code: outcome.code ?? 250, text: outcome.text };
      this.noteUpdate(
        await this.opts.queue.markDelivered(recipient.recipientId, {
          ...details,
          route: this.routes.get(recipient.recipientId),
        }),
      );
      // A success notice comes from the final delivery; a relay passes NOTIFY on instead.
      if (route.kind === 'store' && recipient.notify?.toUpperCase().includes('SUCCESS')) {
        this.notices.delivered.push({
          recipient,
          code: details.code,
          text: details.text,
          channel: route.channel,
          host,
          spanId,
        });
      }
      const { node } = this.opts;
      this.opts.tracer.emit({
        kind: 'delivery.succeeded',
        node,
        ...(outcome.via ? { from: node, to: host } : {}),
        traceId: message.traceId,
        spanId,
        parentSpanId: message.queueId,
        data: { queueId: message.queueId, recipient: recipient.address, ...details },
      });
    } else if (outcome.status === 'failed') {
      await this.fail(message, recipient, outcome.code, outcome.text, route.channel, host, spanId);
    } else {
      const error = new MailError({
        code: outcome.code ?? 451,
        enhanced: '4.0.0',
        publicText: outcome.text,
        component: route.channel,
      });
      await this.defer(message, recipient, error, route.channel, host, spanId);
    }
  }

  private async defer(
    message: QueuedMessage,
    recipient: QueuedRecipient,
    error: MailError,
    channel: string,
    host?: string,
    spanId = message.queueId,
  ): Promise<void> {
    const attempt = recipient.attempts + 1;
    const now = this.opts.clock.now();
    const next = nextAttemptAt(attempt, now, this.opts.retryScheduleMinutes);
    const text = error.enhanced === '4.0.0' ? error.publicText : `${error.enhanced} ${error.publicText}`;
    if (next === undefined) {
      // The last retry failed: the sender is told, and the message is HELD on the queue
      // (not deleted) so that an operator can still release it once the far end is back.
      const finalText = `gave up after ${attempt} attempts; last error: ${text}`;
      this.givenUp.push({ recipient, code: error.code, text: finalText, channel, host, spanId });
      return;
    }
    this.noteUpdate(
      await this.opts.queue.markDeferred(recipient.recipientId, {
        channel,
        host,
        code: error.code,
        text,
        nextAttemptAt: next,
        route: this.routes.get(recipient.recipientId),
      }),
    );
    const failure = { recipient, code: error.code, text, channel, host, spanId };
    if (crossesDelayWarning(this.opts, message, attempt, now)) this.notices.delayed.push(failure);
    this.emitDeferred(message, failure, next);
  }

  /** delivery.deferred: the recipient waits, for its next retry (`nextAttemptAt`) or held. */
  private emitDeferred(message: QueuedMessage, f: PendingFailure, nextAttemptAt?: number): void {
    this.emit(message, f.spanId, {
      kind: 'delivery.deferred',
      data: {
        queueId: message.queueId,
        recipient: f.recipient.address,
        channel: f.channel,
        host: f.host,
        code: f.code,
        text: f.text,
        attempt: f.recipient.attempts + 1,
        ...(nextAttemptAt !== undefined && { nextAttemptAt }),
      },
    });
  }

  private async fail(
    message: QueuedMessage,
    recipient: QueuedRecipient,
    code: number | undefined,
    text: string,
    channel: string,
    host?: string,
    spanId = message.queueId,
  ): Promise<void> {
    this.failures.push({ recipient, code, text, channel, host, spanId });
  }

  /**
   * The bounce is committed first, the failures after it: a crash in between leaves
   * the recipients to be retried (at worst bounced twice), never failed unannounced.
   */
  private async recordFailures(message: QueuedMessage, raw: Buffer): Promise<void> {
    if (this.failures.length === 0) return;
    const bounce = await this.opts.bouncer.enqueue(message, raw, this.failures.map(reportedRecipient));
    for (const { recipient, code, text, channel, host, spanId } of this.failures) {
      const route = this.routes.get(recipient.recipientId);
      this.noteUpdate(await this.opts.queue.markFailed(recipient.recipientId, { channel, host, code, text, route }));
      this.emit(message, spanId, {
        kind: 'delivery.failed',
        data: { queueId: message.queueId, recipient: recipient.address, channel, host, code, text },
      });
    }
    if (bounce) await this.opts.bouncer.announce(message, bounce);
  }

  private noticeContext(): NoticeContext {
    return { ...this.opts, deferred: (message, failure) => this.emitDeferred(message, failure) };
  }

  private noteUpdate(update: RecipientUpdate): void {
    if (update.messageDone) this.messageDone = true;
  }

  private emit(
    message: QueuedMessage,
    spanId: string,
    event: {
      kind:
        | 'message.dequeued'
        | 'route.resolved'
        | 'recipient.expanded'
        | 'delivery.succeeded'
        | 'delivery.deferred'
        | 'delivery.failed';
      data: unknown;
    },
  ): void {
    this.opts.tracer.emit({
      ...event,
      node: this.opts.node,
      traceId: message.traceId,
      spanId,
      parentSpanId: spanId === message.queueId ? undefined : message.queueId,
    } as Parameters<Tracer['emit']>[0]);
  }
}

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
