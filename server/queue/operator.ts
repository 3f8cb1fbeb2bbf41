import type { MessageRow } from './rows.js';
import type { QueueStatements } from './statements.js';
import { closeIfFinished } from './writes.js';
import type { HistoryAction } from './types.js';

/**
 * Operator actions (the `qm` commands and the UI's queue buttons). Each runs inside
 * a transaction opened by QueueStore and returns whether it changed anything; the
 * history gets one line per recipient still in the queue, like the classic log.
 */

const OPERATOR_CHANNEL = 'operator';
export const DELETED_TEXT = 'deleted by operator';

function logLive(s: QueueStatements, message: MessageRow, action: HistoryAction, status: string, now: number): void {
  for (const r of s.liveRecipientsOfMessage.all(message.id)) {
    s.insertHistory.run({
      queueId: message.queue_id,
      at: now,
      action,
      channel: OPERATOR_CHANNEL,
      sender: message.sender,
      recipient: r.address,
      sizeBytes: message.size_bytes,
      status,
    });
  }
}

/** Hold a queued message: the scheduler skips it until released. */
export function holdMessage(s: QueueStatements, message: MessageRow, reason: string, now: number): boolean {
  if (s.holdMessage.run({ id: message.id, reason }).changes === 0) return false;
  logLive(s, message, 'H', reason, now);
  return true;
}

export function releaseMessage(s: QueueStatements, message: MessageRow, now: number): boolean {
  if (s.releaseMessage.run(message.id).changes === 0) return false;
  logLive(s, message, 'U', 'released', now);
  return true;
}

/** Pending recipients become due now (the retry schedule is skipped, not reset). */
export function retryMessageNow(s: QueueStatements, message: MessageRow, now: number): number {
  if (message.status === 'done') return 0;
  return s.makeDueNow.run({ messageId: message.id, now }).changes;
}

/**
 * Remove a message from the queue without delivering it: every recipient still in
 * the queue fails with "deleted by operator", the body is dropped, the log stays.
 */
export function deleteMessage(s: QueueStatements, message: MessageRow, now: number): boolean {
  if (message.status === 'done') return false;
  logLive(s, message, 'K', DELETED_TEXT, now);
  s.failLiveRecipients.run({ messageId: message.id, text: DELETED_TEXT, now });
  closeIfFinished(s, message.id);
  return true;
}
