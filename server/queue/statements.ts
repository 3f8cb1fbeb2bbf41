import type Database from 'better-sqlite3';
import { MESSAGE_COLUMNS, RECIPIENT_COLUMNS, type HistoryRow, type MessageRow, type RecipientRow } from './rows.js';
import type { HistoryRecord, MessageStatus, QueuedMessage, RecipientStatus } from './types.js';

/** A recipient with what a history record needs from its message. */
export interface RecipientContextRow extends RecipientRow {
  sender: string;
  size_bytes: number;
  message_status: MessageStatus;
}

/** A history row as written is exactly the record callers read back. */
export type HistoryInsert = HistoryRecord;

/** A message row as written: the envelope fields a QueuedMessage reads back, and the body. */
export type MessageInsert = Pick<
  QueuedMessage,
  'queueId' | 'traceId' | 'sender' | 'sizeBytes' | 'source' | 'origin' | 'receivedAt'
> & { envId: string | null; raw: Buffer };

const FROM_RECIPIENTS = 'FROM recipients r JOIN messages m ON m.id = r.message_id';

/**
 * Every statement the queue runs, prepared once per connection (preparing is the
 * expensive part of a small SQLite query). Named parameters keep call sites readable.
 */
export function prepareStatements(db: Database.Database) {
  return {
    insertMessage: db.prepare<MessageInsert>(
      `INSERT INTO messages
         (queue_id, trace_id, sender, size_bytes, source, origin, received_at, status, env_id, raw)
       VALUES (@queueId, @traceId, @sender, @sizeBytes, @source, @origin, @receivedAt, 'queued', @envId, @raw)`,
    ),
    insertRecipient: db.prepare<{
      messageId: number;
      address: string;
      originalAddress: string;
      notify: string | null;
      status: 'pending' | 'active';
      nextAttemptAt: number;
      now: number;
      parentId: number | null;
    }>(
      `INSERT INTO recipients
         (message_id, address, original_address, notify, status, next_attempt_at, updated_at, parent_id)
       VALUES (@messageId, @address, @originalAddress, @notify, @status, @nextAttemptAt, @now, @parentId)`,
    ),
    insertHistory: db.prepare<HistoryInsert>(
      `INSERT INTO history (queue_id, at, action, channel, sender, recipient, size_bytes, status)
       VALUES (@queueId, @at, @action, @channel, @sender, @recipient, @sizeBytes, @status)`,
    ),

    recipientContext: db.prepare<[number], RecipientContextRow>(
      `SELECT ${RECIPIENT_COLUMNS}, m.sender, m.size_bytes, m.status AS message_status
       ${FROM_RECIPIENTS} WHERE r.id = ?`,
    ),
    recipientStatus: db.prepare<[number], string>('SELECT status FROM recipients WHERE id = ?').pluck(),
    recipientById: db.prepare<[number], RecipientRow>(`SELECT ${RECIPIENT_COLUMNS} ${FROM_RECIPIENTS} WHERE r.id = ?`),
    recipientsOfMessage: db.prepare<[number], RecipientRow>(
      `SELECT ${RECIPIENT_COLUMNS} ${FROM_RECIPIENTS} WHERE r.message_id = ? ORDER BY r.id`,
    ),
    liveRecipientsOfMessage: db.prepare<[number], RecipientRow>(
      `SELECT ${RECIPIENT_COLUMNS} ${FROM_RECIPIENTS}
       WHERE r.message_id = ? AND r.status IN ('pending', 'active') ORDER BY r.id`,
    ),
    countLive: db
      .prepare<[number], number>(
        `SELECT COUNT(*) FROM recipients WHERE message_id = ? AND status IN ('pending', 'active')`,
      )
      .pluck(),

    finishRecipient: db.prepare<{
      id: number;
      status: RecipientStatus;
      nextAttemptAt: number | null;
      code: number | null;
      text: string;
      route: string | null;
      now: number;
    }>(
      `UPDATE recipients
       SET status = @status, attempts = attempts + 1,
           next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at),
           last_code = @code, last_text = @text, route = COALESCE(@route, route), updated_at = @now
       WHERE id = @id`,
    ),
    setRecipientStatus: db.prepare<{ id: number; status: RecipientStatus; now: number }>(
      'UPDATE recipients SET status = @status, updated_at = @now WHERE id = @id',
    ),
    failLiveRecipients: db.prepare<{ messageId: number; text: string; now: number }>(
      `UPDATE recipients SET status = 'failed', last_code = NULL, last_text = @text, updated_at = @now
       WHERE message_id = @messageId AND status IN ('pending', 'active')`,
    ),
    closeMessage: db.prepare<[number]>(
      `UPDATE messages SET status = 'done', held_reason = NULL, raw = NULL WHERE id = ? AND status <> 'done'`,
    ),

    claim: db.prepare<{ id: number; now: number }>(
      `UPDATE recipients SET status = 'active', updated_at = @now WHERE id = @id AND status = 'pending'`,
    ),
    setRoute: db.prepare<{ id: number; route: string; now: number }>(
      'UPDATE recipients SET route = @route, updated_at = @now WHERE id = @id',
    ),
    recover: db.prepare<[number]>(`UPDATE recipients SET status = 'pending', updated_at = ? WHERE status = 'active'`),
    unclaimMessage: db.prepare<{ queueId: string; now: number }>(
      `UPDATE recipients SET status = 'pending', updated_at = @now
       WHERE status = 'active' AND message_id = (SELECT id FROM messages WHERE queue_id = @queueId)`,
    ),
    due: db.prepare<{ now: number; limit: number }, RecipientRow>(
      `SELECT ${RECIPIENT_COLUMNS} ${FROM_RECIPIENTS}
       WHERE r.status = 'pending' AND r.next_attempt_at <= @now AND m.status = 'queued'
       ORDER BY r.next_attempt_at, r.id LIMIT @limit`,
    ),
    nextDueAt: db
      .prepare<[], number>(
        `SELECT r.next_attempt_at ${FROM_RECIPIENTS}
         WHERE r.status = 'pending' AND m.status = 'queued' ORDER BY r.next_attempt_at LIMIT 1`,
      )
      .pluck(),

    holdMessage: db.prepare<{ id: number; reason: string }>(
      `UPDATE messages SET status = 'held', held_reason = @reason WHERE id = @id AND status = 'queued'`,
    ),
    releaseMessage: db.prepare<[number]>(
      `UPDATE messages SET status = 'queued', held_reason = NULL WHERE id = ? AND status = 'held'`,
    ),
    makeDueNow: db.prepare<{ messageId: number; now: number }>(
      `UPDATE recipients SET next_attempt_at = @now, updated_at = @now
       WHERE message_id = @messageId AND status = 'pending' AND next_attempt_at > @now`,
    ),

    messageByQueueId: db.prepare<[string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.queue_id = ?`,
    ),
    liveMessages: db.prepare<[number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.status <> 'done' ORDER BY m.id LIMIT ?`,
    ),
    allMessages: db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m ORDER BY m.id LIMIT ?`),
    raw: db.prepare<[string], Buffer | null>('SELECT raw FROM messages WHERE queue_id = ?').pluck(),
    history: db.prepare<[string], HistoryRow>(
      `SELECT queue_id, at, action, channel, sender, recipient, size_bytes, status
       FROM history WHERE queue_id = ? ORDER BY id`,
    ),
    messageCounts: db.prepare<[], { status: MessageStatus; n: number }>(
      'SELECT status, COUNT(*) AS n FROM messages GROUP BY status',
    ),
    recipientCounts: db.prepare<[], { status: RecipientStatus; n: number }>(
      'SELECT status, COUNT(*) AS n FROM recipients GROUP BY status',
    ),
  };
}

export type QueueStatements = ReturnType<typeof prepareStatements>;
