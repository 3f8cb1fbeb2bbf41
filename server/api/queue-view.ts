/**
 * A queued message and its recipients as the queue keeps them and the control API
 * (GET /api/queue) shows them. Here, with no Node types, so the renderer uses the very
 * same definitions; the queue's own contract is server/queue/types.ts.
 */

export type RecipientStatus =
  /** Waiting to be routed or (re)tried when `nextAttemptAt` comes. */
  | 'pending'
  /** Handed to a channel right now (reset to pending at startup after a crash). */
  | 'active'
  | 'delivered'
  | 'failed'
  /** Replaced by the recipients it expanded to (group, forwarding). */
  | 'expanded';

export type MessageStatus = 'queued' | 'held' | 'done';

export interface QueuedRecipient {
  queueId: string;
  /** Stable id of this recipient row within the queue (for updates). */
  recipientId: number;
  address: string;
  originalAddress: string;
  status: RecipientStatus;
  attempts: number;
  nextAttemptAt: number;
  /** Route decided by the router, as JSON text, once known. */
  route?: string;
  /** The RCPT NOTIFY parameter (RFC 3461), e.g. "NEVER" or "SUCCESS,FAILURE". */
  notify?: string;
  lastCode?: number;
  lastText?: string;
  updatedAt: number;
}

export interface QueuedMessage {
  queueId: string;
  traceId: string;
  sender: string;
  sizeBytes: number;
  source: string;
  origin: string;
  receivedAt: number;
  status: MessageStatus;
  heldReason?: string;
  envId?: string;
  recipients: QueuedRecipient[];
}
