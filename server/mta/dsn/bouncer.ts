import type { Clock } from '../../core/clock.js';
import { newQueueId } from '../../core/ids.js';
import type { Tracer } from '../../core/tracer.js';
import type { QueueStore } from '../../queue/queue-store.js';
import type { QueuedMessage } from '../../queue/types.js';
import { buildDsn, statusOf, type DsnAction } from './build-dsn.js';

export interface FailedRecipient {
  address: string;
  originalAddress: string;
  code?: number;
  text: string;
  host?: string;
  /** RCPT NOTIFY (RFC 3461); undefined when the sender did not say. */
  notify?: string;
}

/** A bounce committed to the queue, not yet announced. */
export interface QueuedBounce {
  action: DsnAction;
  dsnQueueId: string;
  recipients: string[];
  sizeBytes: number;
}

/**
 * RFC 3461 §4.1: who asked to hear of what. Without NOTIFY the MTA decides: failures
 * and delays are reported (as most MTAs do), successes only when asked for.
 */
export function wantsNotice(action: DsnAction, notify: string | undefined): boolean {
  if (action === 'failed') return wantsFailureNotice(notify);
  if (!notify) return action === 'delayed';
  return notify
    .toUpperCase()
    .split(',')
    .includes(action === 'delayed' ? 'DELAY' : 'SUCCESS');
}

/** RFC 3461 §4.1: no failure notice when NOTIFY says NEVER, or names only other events. */
export function wantsFailureNotice(notify: string | undefined): boolean {
  if (!notify) return true;
  const events = notify.toUpperCase().split(',');
  return !events.includes('NEVER') && events.includes('FAILURE');
}

/**
 * Sends the bounce: a DSN to the envelope sender about the recipients that failed
 * for good, queued like any other message (from the null sender <>, so that a bounce
 * is never bounced — RFC 5321 §4.5.5 — and loops cannot start).
 *
 * Two steps, so the caller can commit the bounce before it records the failures: a
 * crash in between then retries the recipients (and may bounce twice) rather than
 * marking them failed with nobody told.
 */
export class Bouncer {
  constructor(
    private readonly opts: { queue: QueueStore; tracer: Tracer; clock: Clock; reportingMta: string; kick: () => void },
  ) {}

  /** Builds and enqueues the DSN; undefined when there is nobody to tell. */
  async enqueue(
    message: QueuedMessage,
    raw: Buffer,
    failed: FailedRecipient[],
    action: DsnAction = 'failed',
  ): Promise<QueuedBounce | undefined> {
    const reported = failed.filter((f) => wantsNotice(action, f.notify));
    if (message.sender === '' || reported.length === 0) return undefined;
    const now = this.opts.clock.now();
    const dsnQueueId = newQueueId();
    const dsn = buildDsn({
      action,
      reportingMta: this.opts.reportingMta,
      dsnQueueId,
      originalQueueId: message.queueId,
      envId: message.envId,
      sender: message.sender,
      arrivalDate: message.receivedAt,
      now,
      original: raw,
      recipients: reported.map((f) => ({
        address: f.address,
        originalAddress: f.originalAddress,
        status: statusOf(f.text, f.code),
        diagnostic: f.code ? `${f.code} ${f.text}` : f.text,
        remoteHost: f.host,
      })),
    });
    await this.opts.queue.enqueue({
      queueId: dsnQueueId,
      traceId: dsnQueueId,
      sender: '',
      recipients: [{ address: message.sender }],
      raw: dsn,
      source: 'dsn',
      origin: `${this.opts.reportingMta} [dsn]`,
      receivedAt: now,
    });
    return { dsnQueueId, recipients: reported.map((f) => f.address), sizeBytes: dsn.length, action };
  }

  /** After the failures are recorded: note the bounce on the original, tell the trace, wake delivery. */
  async announce(message: QueuedMessage, bounce: QueuedBounce): Promise<void> {
    const { dsnQueueId, recipients, action } = bounce;
    await this.opts.queue.recordBounce(message.queueId, { recipients, dsnQueueId, action });
    const common = { node: this.opts.reportingMta, traceId: dsnQueueId, causedBy: message.traceId, spanId: dsnQueueId };
    this.opts.tracer.emit({
      kind: 'dsn.generated',
      ...common,
      data: { queueId: message.queueId, dsnQueueId, recipients, action },
    });
    this.opts.tracer.emit({
      kind: 'message.queued',
      ...common,
      data: {
        queueId: dsnQueueId,
        sender: '',
        recipients: [message.sender],
        sizeBytes: bounce.sizeBytes,
        source: 'dsn',
      },
    });
    this.opts.kick();
  }
}
