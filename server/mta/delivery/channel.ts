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
  /** The sender's ENVID (RFC 3461), relayed unchanged to the next hop when it speaks DSN. */
  envId?: string;
  /**
   * Called by a channel that reports hops (`reportsHops`) each time it opens (or
   * reuses) a connection to one concrete host: every MX tried shows in the trace.
   */
  onHop?: (hop: DeliveryHop) => void;
  /** Called when that host could not take the message, with why, before the next one is tried. */
  onHopFailed?: (hop: DeliveryHop, reason: string) => void;
}

/** One concrete host a channel talked to (or tried to) for a job. */
export interface DeliveryHop {
  /** Host name: the MX host, the implicit-MX domain, or the relay host. */
  host: string;
  /** The SMTP port; undefined when that host runs no SMTP service in this world. */
  port?: number;
  /** MX preference, when the host came from an MX record. */
  preference?: number;
  /** The address connected to (from the host's A record). */
  address?: string;
}

export interface RecipientOutcome {
  recipientId: number;
  status: 'delivered' | 'deferred' | 'failed';
  code?: number;
  text: string;
  /** The host that gave this answer, when it came from a remote host (not from a local decision). */
  via?: DeliveryHop;
}

/**
 * A way out of the queue (principle 3: the queue is just another target, and a
 * channel is one more). Outcomes are per recipient; a channel never throws for a
 * delivery problem, it reports it.
 */
export interface DeliveryChannel {
  readonly name: string;
  /** True when the channel calls `job.onHop` for each host it connects to. */
  readonly reportsHops?: boolean;
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
