import type {
  HistoryAction,
  HistoryRecord,
  MessageStatus,
  QueuedMessage,
  QueuedRecipient,
  RecipientStatus,
} from './types.js';

/** Rows as SQLite returns them (snake_case columns, NULL for absent values). */

export interface MessageRow {
  id: number;
  queue_id: string;
  trace_id: string;
  sender: string;
  size_bytes: number;
  source: string;
  origin: string;
  received_at: number;
  status: MessageStatus;
  held_reason: string | null;
  env_id: string | null;
}

export interface RecipientRow {
  id: number;
  message_id: number;
  queue_id: string;
  address: string;
  original_address: string;
  notify: string | null;
  status: RecipientStatus;
  attempts: number;
  next_attempt_at: number;
  route: string | null;
  last_code: number | null;
  last_text: string | null;
  updated_at: number;
}

export interface HistoryRow {
  queue_id: string;
  at: number;
  action: HistoryAction;
  channel: string;
  sender: string;
  recipient: string;
  size_bytes: number;
  status: string;
}

/** Column lists shared by every query that maps to these rows. */
export const MESSAGE_COLUMNS =
  'm.id, m.queue_id, m.trace_id, m.sender, m.size_bytes, m.source, m.origin, m.received_at, ' +
  'm.status, m.held_reason, m.env_id';

export const RECIPIENT_COLUMNS =
  'r.id, r.message_id, m.queue_id, r.address, r.original_address, r.notify, r.status, r.attempts, ' +
  'r.next_attempt_at, r.route, r.last_code, r.last_text, r.updated_at';

export function toRecipient(row: RecipientRow): QueuedRecipient {
  const recipient: QueuedRecipient = {
    queueId: row.queue_id,
    recipientId: row.id,
    address: row.address,
    originalAddress: row.original_address,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    updatedAt: row.updated_at,
  };
  if (row.route !== null) recipient.route = row.route;
  if (row.notify !== null) recipient.notify = row.notify;
  if (row.last_code !== null) recipient.lastCode = row.last_code;
  if (row.last_text !== null) recipient.lastText = row.last_text;
  return recipient;
}

export function toMessage(row: MessageRow, recipients: QueuedRecipient[]): QueuedMessage {
  const message: QueuedMessage = {
    queueId: row.queue_id,
    traceId: row.trace_id,
    sender: row.sender,
    sizeBytes: row.size_bytes,
    source: row.source,
    origin: row.origin,
    receivedAt: row.received_at,
    status: row.status,
    recipients,
  };
  if (row.held_reason !== null) message.heldReason = row.held_reason;
  if (row.env_id !== null) message.envId = row.env_id;
  return message;
}

export function toHistory(row: HistoryRow): HistoryRecord {
  return {
    queueId: row.queue_id,
    at: row.at,
    action: row.action,
    channel: row.channel,
    sender: row.sender,
    recipient: row.recipient,
    sizeBytes: row.size_bytes,
    status: row.status,
  };
}
