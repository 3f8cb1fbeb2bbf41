import type { QueuedRecipient } from '../../queue/types.js';

/** One delivery attempt: one message, to one host, for the recipients routed there. */
export interface DeliveryJob {
  queueId: string;
  traceId: string;
  spanId: string;
  sender: string;
  raw: Buffer;
  host: string;
  recipients: QueuedRecipient[];
}

export interface RecipientOutcome {
  recipientId: number;
  status: 'delivered' | 'deferred' | 'failed';
  code?: number;
  text: string;
}

/**
 * A way out of the queue (principle 3: the queue is just another target, and a
 * channel is one more). Outcomes are per recipient; a channel never throws for a
 * delivery problem, it reports it.
 */
export interface DeliveryChannel {
  readonly name: string;
  deliver(job: DeliveryJob): Promise<RecipientOutcome[]>;
  close(): Promise<void>;
}

/** Every recipient of the job gets the same outcome (connection failed, channel missing). */
export function sameOutcome(
  job: DeliveryJob,
  status: RecipientOutcome['status'],
  text: string,
  code?: number,
): RecipientOutcome[] {
  return job.recipients.map((r) => ({ recipientId: r.recipientId, status, code, text }));
}
