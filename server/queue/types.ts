/**
 * The durable queue's contract. A message and its envelope are committed (SQLite WAL,
 * synchronous=FULL, i.e. fsync'd) before `enqueue` resolves, and the MTA answers 250
 * only after that. State is per recipient.
 */

export type { MessageStatus, QueuedMessage, QueuedRecipient, RecipientStatus } from '../api/queue-view.js';

export interface NewRecipient {
  address: string;
  /** The address the sender used, when this one came from expanding another. */
  originalAddress?: string;
  /** ESMTP RCPT parameters worth keeping (NOTIFY, ORCPT). */
  notify?: string;
  /** Route already decided (JSON), for a child of an expansion that must not be routed again. */
  route?: string;
}

export interface NewMessage {
  queueId: string;
  traceId: string;
  sender: string;
  recipients: NewRecipient[];
  raw: Buffer;
  /** Where it came from: 'smtp', 'submission', 'dsn', ... */
  source: string;
  /** The client, for the log: "127.0.0.1 [client.example]". */
  origin: string;
  receivedAt: number;
  envId?: string;
  /** Enqueue it held (quarantined, e.g. by the verdict step), with this reason; nothing is delivered until released. */
  hold?: string;
  /**
   * The caller holds a delivery slot and starts the delivery once the commit is done:
   * the recipients are written 'active' at once, so no scheduler pass picks them up and
   * no separate claim write is needed. After a crash `recover` makes them pending again.
   */
  deliveringNow?: boolean;
}

/** Record types in the spirit of the classic MTA log (mail.log_current). */
export type HistoryAction =
  | 'E' // enqueued
  | 'D' // dequeued: delivered to a recipient
  | 'Q' // deferred: temporary failure, will retry
  | 'R' // rejected/failed permanently
  | 'X' // expanded (group, forward) into other recipients
  | 'H' // held
  | 'U' // released (unheld)
  | 'K' // deleted by an operator
  | 'B'; // bounce (DSN) generated

export interface HistoryRecord {
  queueId: string;
  at: number;
  action: HistoryAction;
  channel: string;
  sender: string;
  recipient: string;
  sizeBytes: number;
  status: string;
}
