import type { QueuedMessage, QueuedRecipient } from '../../queue/types.js';
import type { Bouncer, FailedRecipient } from '../dsn/bouncer.js';
import type { MessageDeliveryOptions } from './message-delivery.js';

/**
 * What the sender is told besides a plain bounce: the message held after its last
 * retry (with a failure DSN), delay warnings at the configured ages, and success
 * notices when NOTIFY asked for them (RFC 3461, RFC 3464). MessageDelivery collects
 * the recipients during a pass and hands them here at its end.
 */

/** A recipient whose outcome a DSN will report. */
export interface PendingFailure {
  recipient: QueuedRecipient;
  code?: number;
  text: string;
  channel: string;
  host?: string;
  spanId: string;
}

export interface NoticeContext extends MessageDeliveryOptions {
  /** Trace delivery.deferred for a recipient that keeps waiting. */
  deferred(message: QueuedMessage, failure: PendingFailure): void;
}

/** Bounce first (as for failures), then keep the recipients waiting and hold the message. */
export async function holdGivenUp(
  ctx: NoticeContext,
  message: QueuedMessage,
  raw: Buffer,
  givenUp: PendingFailure[],
): Promise<void> {
  if (givenUp.length === 0) return;
  const bounce = await ctx.bouncer.enqueue(message, raw, givenUp.map(reportedRecipient));
  const now = ctx.clock.now();
  for (const failure of givenUp) {
    const { recipient, code, text, channel, host } = failure;
    await ctx.queue.markDeferred(recipient.recipientId, { channel, host, code, text, nextAttemptAt: now });
    ctx.deferred(message, failure);
  }
  const reason = `retries exhausted for ${givenUp.map((g) => g.recipient.address).join(', ')}`;
  if (ctx.queue.hold(message.queueId, reason)?.status === 'held') {
    ctx.tracer.emit({
      kind: 'message.held',
      node: ctx.node,
      traceId: message.traceId,
      spanId: message.queueId,
      data: { queueId: message.queueId, reason },
    });
  }
  if (bounce) await ctx.bouncer.announce(message, bounce);
}

/**
 * Whether the message passed a warning age (delayWarningMinutes) since its previous
 * attempt. The previous attempt's age comes from the schedule, so nothing extra is
 * stored; a big clock jump that passes several ages sends one warning.
 */
export function crossesDelayWarning(
  opts: Pick<MessageDeliveryOptions, 'delayWarningMinutes' | 'retryScheduleMinutes'>,
  message: QueuedMessage,
  attempt: number,
  now: number,
): boolean {
  const ages = opts.delayWarningMinutes ?? [];
  if (ages.length === 0 || message.sender === '') return false;
  const ageMs = now - message.receivedAt;
  const sinceLastMs = attempt <= 1 ? ageMs + 1 : (opts.retryScheduleMinutes[attempt - 2] ?? 0) * 60_000;
  const previousAgeMs = ageMs - sinceLastMs;
  return ages.some((minutes) => previousAgeMs < minutes * 60_000 && minutes * 60_000 <= ageMs);
}

export async function sendNotices(
  bouncer: Bouncer,
  message: QueuedMessage,
  raw: Buffer,
  notices: Record<'delayed' | 'delivered', PendingFailure[]>,
): Promise<void> {
  for (const action of ['delayed', 'delivered'] as const) {
    const list = notices[action];
    if (list.length === 0) continue;
    const notice = await bouncer.enqueue(message, raw, list.map(reportedRecipient), action);
    if (notice) await bouncer.announce(message, notice);
  }
}

/** A recipient as a DSN reports it. */
export function reportedRecipient({ recipient, code, text, host }: PendingFailure): FailedRecipient {
  return {
    address: recipient.address,
    originalAddress: recipient.originalAddress,
    code,
    text,
    host,
    notify: recipient.notify,
  };
}
