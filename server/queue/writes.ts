import { toRecipient } from './rows.js';
import type { QueueStatements, RecipientContextRow } from './statements.js';
import type {
  HistoryAction,
  NewMessage,
  NewRecipient,
  QueuedMessage,
  QueuedRecipient,
  RecipientStatus,
} from './types.js';

/**
 * The queue's writes, as plain functions over prepared statements. They assume the
 * caller has opened the transaction (group commit or QueueStore's own), so several
 * of them compose into one atomic change.
 */

/** What a channel reports about one recipient. */
export interface DeliveryOutcome {
  channel: string;
  host?: string;
  code?: number;
  text: string;
  /** The route this attempt took, as JSON text: the queue keeps the last one as a record. */
  route?: string;
}

export interface DeferredOutcome extends DeliveryOutcome {
  nextAttemptAt: number;
}

/** What a recipient update did, so the scheduler can report `message.dequeued`. */
export interface RecipientUpdate {
  queueId: string;
  /** False when the recipient was already final (e.g. deleted by an operator meanwhile). */
  applied: boolean;
  /** True when no recipient of the message is left pending or active. */
  messageDone: boolean;
}

type FinalKind = 'delivered' | 'deferred' | 'failed';

const ACTION_OF: Record<FinalKind, HistoryAction> = { delivered: 'D', deferred: 'Q', failed: 'R' };
const STATUS_OF: Record<FinalKind, RecipientStatus> = { delivered: 'delivered', deferred: 'pending', failed: 'failed' };

export function isLive(status: RecipientStatus): boolean {
  return status === 'pending' || status === 'active';
}

/** Inserts the message and returns it as it now stands in the queue (no read back needed). */
export function insertMessage(s: QueueStatements, message: NewMessage, now: number): QueuedMessage {
  const sizeBytes = message.raw.length;
  const recipients: QueuedRecipient[] = [];
  const inserted = s.insertMessage.run({
    queueId: message.queueId,
    traceId: message.traceId,
    sender: message.sender,
    sizeBytes,
    source: message.source,
    origin: message.origin,
    receivedAt: message.receivedAt,
    envId: message.envId ?? null,
    raw: message.raw,
  });
  const messageId = Number(inserted.lastInsertRowid);
  // Held mail is never delivered now, whatever the caller hoped.
  const status = message.deliveringNow && message.hold === undefined ? 'active' : 'pending';
  for (const recipient of message.recipients) {
    const originalAddress = recipient.originalAddress ?? recipient.address;
    const row = s.insertRecipient.run({
      messageId,
      address: recipient.address,
      originalAddress,
      notify: recipient.notify ?? null,
      status,
      nextAttemptAt: now,
      now,
      parentId: null,
    });
    recipients.push({
      queueId: message.queueId,
      recipientId: Number(row.lastInsertRowid),
      address: recipient.address,
      originalAddress,
      status,
      attempts: 0,
      nextAttemptAt: now,
      // The fast path delivers from this copy: it must carry NOTIFY as a reload would.
      notify: recipient.notify,
      updatedAt: now,
    });
    s.insertHistory.run({
      queueId: message.queueId,
      at: now,
      action: 'E',
      channel: message.source,
      sender: message.sender,
      recipient: recipient.address,
      sizeBytes,
      status: `from ${message.origin}`,
    });
  }
  // Held from the start, in the same transaction: a crash cannot deliver quarantined mail.
  if (message.hold !== undefined) {
    s.holdMessage.run({ id: messageId, reason: message.hold });
    s.insertHistory.run({
      queueId: message.queueId,
      at: now,
      action: 'H',
      channel: message.source,
      sender: message.sender,
      recipient: '',
      sizeBytes,
      status: message.hold,
    });
  }
  return {
    queueId: message.queueId,
    traceId: message.traceId,
    sender: message.sender,
    sizeBytes,
    source: message.source,
    origin: message.origin,
    receivedAt: message.receivedAt,
    status: message.hold === undefined ? 'queued' : 'held',
    heldReason: message.hold,
    envId: message.envId,
    recipients,
  };
}

/** A DSN (bounce or delay warning) was generated about some recipients of a message. */
export interface BounceNote {
  recipients: string[];
  dsnQueueId: string;
  action: 'failed' | 'delayed' | 'delivered';
}

/** 'B' lines on the original message, one per recipient the DSN reports. */
export function insertBounce(s: QueueStatements, queueId: string, bounce: BounceNote, now: number): void {
  const message = s.messageByQueueId.get(queueId);
  if (!message) throw new Error(`the queue has no message ${queueId}`);
  for (const recipient of bounce.recipients) {
    s.insertHistory.run({
      queueId,
      at: now,
      action: 'B',
      channel: 'dsn',
      sender: message.sender,
      recipient,
      sizeBytes: message.size_bytes,
      status: `${bounce.action} DSN ${bounce.dsnQueueId}`,
    });
  }
}

/** The history line's status text: "250 2.0.0 Ok (mailboxa.siroe.example)". */
export function outcomeText(outcome: DeliveryOutcome): string {
  const head = outcome.code === undefined ? outcome.text : `${outcome.code} ${outcome.text}`;
  return outcome.host ? `${head} (${outcome.host})` : head;
}

export function historyFor(
  row: RecipientContextRow,
  action: HistoryAction,
  channel: string,
  status: string,
  at: number,
  recipient = row.address,
) {
  return {
    queueId: row.queue_id,
    at,
    action,
    channel,
    sender: row.sender,
    recipient,
    sizeBytes: row.size_bytes,
    status,
  };
}

function requireRecipient(s: QueueStatements, recipientId: number): RecipientContextRow {
  const row = s.recipientContext.get(recipientId);
  if (!row) throw new Error(`the queue has no recipient ${recipientId}`);
  return row;
}

/**
 * When no recipient is left pending or active the message is done: its body is
 * dropped to free the disk, its envelope, recipients and history stay for the log.
 */
export function closeIfFinished(s: QueueStatements, messageId: number): boolean {
  if (s.countLive.get(messageId)! > 0) return false;
  s.closeMessage.run(messageId);
  return true;
}

export function finishRecipient(
  s: QueueStatements,
  recipientId: number,
  kind: FinalKind,
  outcome: DeliveryOutcome & { nextAttemptAt?: number },
  now: number,
): RecipientUpdate {
  const row = requireRecipient(s, recipientId);
  if (!isLive(row.status)) {
    return { queueId: row.queue_id, applied: false, messageDone: row.message_status === 'done' };
  }
  s.finishRecipient.run({
    id: recipientId,
    status: STATUS_OF[kind],
    nextAttemptAt: kind === 'deferred' ? (outcome.nextAttemptAt ?? now) : null,
    code: outcome.code ?? null,
    text: outcome.text,
    route: outcome.route ?? null,
    now,
  });
  s.insertHistory.run(historyFor(row, ACTION_OF[kind], outcome.channel, outcomeText(outcome), now));
  return { queueId: row.queue_id, applied: true, messageDone: closeIfFinished(s, row.message_id) };
}

/**
 * A group or forwarding address becomes the recipients it stands for. The children
 * remember the address the sender used (for DSNs and the UI), due at once.
 */
export function expandRecipient(
  s: QueueStatements,
  recipientId: number,
  into: NewRecipient[],
  channel: string,
  now: number,
): QueuedRecipient[] {
  const parent = requireRecipient(s, recipientId);
  if (!isLive(parent.status)) throw new Error(`recipient ${recipientId} is ${parent.status}, it cannot be expanded`);
  // `into` may be empty: a group whose members all are recipients of the message already.
  s.setRecipientStatus.run({ id: recipientId, status: 'expanded', now });
  const childIds: number[] = [];
  for (const child of into) {
    const inserted = s.insertRecipient.run({
      messageId: parent.message_id,
      address: child.address,
      originalAddress: child.originalAddress ?? parent.original_address,
      notify: child.notify ?? parent.notify,
      status: 'pending',
      nextAttemptAt: now,
      now,
      parentId: recipientId,
    });
    const childId = Number(inserted.lastInsertRowid);
    // A child can come with its route decided (a forward's own copy): it must not be looked up again.
    if (child.route) s.setRoute.run({ id: childId, route: child.route, now });
    childIds.push(childId);
    s.insertHistory.run(historyFor(parent, 'X', channel, `expanded from ${parent.address}`, now, child.address));
  }
  // Expanding to nobody new (everyone already on the message) can leave nothing live.
  closeIfFinished(s, parent.message_id);
  return childIds.map((id) => toRecipient(s.recipientById.get(id)!));
}
