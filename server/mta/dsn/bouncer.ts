import type { Clock } from '../../core/clock.js';
import { randomId } from '../../core/ids.js';
import type { Tracer } from '../../core/tracer.js';
import type { QueueStore } from '../../queue/queue-store.js';
import { buildDsn, statusOf } from './build-dsn.js';

export interface FailedRecipient {
  address: string;
  originalAddress: string;
  code?: number;
  text: string;
  host?: string;
}

/**
 * Sends the bounce: a DSN to the envelope sender about the recipients that failed
 * for good, queued like any other message (from the null sender <>, so that a bounce
 * is never bounced — RFC 5321 §4.5.5 — and loops cannot start).
 */
export class Bouncer {
  constructor(
    private readonly opts: { queue: QueueStore; tracer: Tracer; clock: Clock; reportingMta: string; kick: () => void },
  ) {}

  async bounce(queueId: string, raw: Buffer, failed: FailedRecipient[]): Promise<string | undefined> {
    const message = this.opts.queue.get(queueId);
    if (!message || message.sender === '' || failed.length === 0) return undefined;
    const now = this.opts.clock.now();
    const dsnQueueId = randomId('msg');
    const dsn = buildDsn({
      reportingMta: this.opts.reportingMta,
      dsnQueueId,
      originalQueueId: queueId,
      sender: message.sender,
      arrivalDate: message.receivedAt,
      now,
      original: raw,
      recipients: failed.map((f) => ({
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
    const recipients = failed.map((f) => f.address);
    await this.opts.queue.recordBounce(queueId, { recipients, dsnQueueId, action: 'failed' });
    const node = this.opts.reportingMta;
    this.opts.tracer.emit({
      kind: 'dsn.generated',
      node,
      traceId: dsnQueueId,
      causedBy: message.traceId,
      spanId: dsnQueueId,
      data: { queueId, dsnQueueId, recipients, action: 'failed' },
    });
    this.opts.tracer.emit({
      kind: 'message.queued',
      node,
      traceId: dsnQueueId,
      causedBy: message.traceId,
      spanId: dsnQueueId,
      data: { queueId: dsnQueueId, sender: '', recipients: [message.sender], sizeBytes: dsn.length, source: 'dsn' },
    });
    this.opts.kick();
    return dsnQueueId;
  }
}
