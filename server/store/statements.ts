import type Database from 'better-sqlite3';
import { decodeFlags } from './flags.js';
import type { MessageSummary, SpecialUse } from './types.js';

/**
 * Every SQL statement of the store, prepared once when the store opens: preparing
 * per call would cost as much as the work itself at thousands of deliveries/s.
 */

export interface UserRow {
  id: number;
  address: string;
  login: string;
  last_uid_validity: number;
}

export interface FolderRow {
  id: number;
  user_id: number;
  name: string;
  special_use: SpecialUse | null;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  recent_uid_floor: number;
}

export interface MessageRow {
  uid: number;
  body_id: number;
  modseq: number;
  flags: string;
  internal_date: number;
  size_bytes: number;
  message_id: string | null;
  subject: string;
  from_text: string;
  to_text: string;
  date_at: number | null;
}

export interface NewMessageRow extends MessageRow {
  folder_id: number;
  seen: number;
  deleted: number;
}

const MESSAGE_COLUMNS =
  'uid, body_id, modseq, flags, internal_date, size_bytes, message_id, subject, from_text, to_text, date_at';
const FOLDER_COLUMNS = 'id, user_id, name, special_use, uid_validity, uid_next, highest_modseq, recent_uid_floor';

export function toSummary(row: MessageRow): MessageSummary {
  const summary: MessageSummary = {
    uid: row.uid,
    modseq: row.modseq,
    subject: row.subject,
    from: row.from_text,
    to: row.to_text,
    sizeBytes: row.size_bytes,
    flags: decodeFlags(row.flags),
    internalDate: row.internal_date,
  };
  if (row.message_id !== null) summary.messageId = row.message_id;
  if (row.date_at !== null) summary.date = row.date_at;
  return summary;
}

type Db = Database.Database;

function userStatements(db: Db) {
  return {
    userByAddress: db.prepare<[string], UserRow>(
      'SELECT id, address, login, last_uid_validity FROM users WHERE address = ?',
    ),
    userByLogin: db.prepare<[string], UserRow>(
      'SELECT id, address, login, last_uid_validity FROM users WHERE login = ? COLLATE NOCASE ORDER BY id LIMIT 1',
    ),
    insertUser: db.prepare<[string, string, number]>('INSERT INTO users (address, login, created_at) VALUES (?, ?, ?)'),
    setLastUidValidity: db.prepare<[number, number]>('UPDATE users SET last_uid_validity = ? WHERE id = ?'),
  };
}

function folderStatements(db: Db) {
  return {
    folderByName: db.prepare<[number, string], FolderRow>(
      `SELECT ${FOLDER_COLUMNS} FROM folders WHERE user_id = ? AND name = ?`,
    ),
    foldersOfUser: db.prepare<[number], FolderRow>(
      `SELECT ${FOLDER_COLUMNS} FROM folders WHERE user_id = ? ORDER BY name`,
    ),
    insertFolder: db.prepare<[number, string, string | null, number, number]>(
      'INSERT INTO folders (user_id, name, special_use, uid_validity, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteFolder: db.prepare<[number]>('DELETE FROM folders WHERE id = ?'),
    renameFolder: db.prepare<[string, number]>('UPDATE folders SET name = ? WHERE id = ?'),
    /** Takes the next UID and modseq in one statement: the row lock is the transaction's. */
    allocateUid: db.prepare<[number], { uid: number; modseq: number }>(
      'UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = ? ' +
        'RETURNING uid_next - 1 AS uid, highest_modseq AS modseq',
    ),
    bumpModseq: db.prepare<[number], { modseq: number }>(
      'UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq AS modseq',
    ),
    setCounters: db.prepare<[number, number, number, number]>(
      'UPDATE folders SET uid_next = ?, highest_modseq = ?, recent_uid_floor = ? WHERE id = ?',
    ),
    claimRecent: db.prepare<[number]>('UPDATE folders SET recent_uid_floor = uid_next WHERE id = ?'),
    folderCounts: db.prepare<[number], { folder_id: number; messages: number; unseen: number; recent: number }>(
      'SELECT m.folder_id, count(*) AS messages, sum(m.seen = 0) AS unseen, ' +
        'sum(m.uid >= f.recent_uid_floor) AS recent FROM messages m ' +
        'JOIN folders f ON f.id = m.folder_id WHERE f.user_id = ? GROUP BY m.folder_id',
    ),
    folderCount: db.prepare<[number, number], { messages: number; unseen: number; recent: number }>(
      'SELECT count(*) AS messages, coalesce(sum(seen = 0), 0) AS unseen, coalesce(sum(uid >= ?), 0) AS recent ' +
        'FROM messages WHERE folder_id = ?',
    ),
    /** RFC 9208 STORAGE usage: every folder of the user counts against the one quota root. */
    userStorageBytes: db.prepare<[number], { bytes: number }>(
      'SELECT coalesce(sum(m.size_bytes), 0) AS bytes FROM messages m JOIN folders f ON f.id = m.folder_id ' +
        'WHERE f.user_id = ?',
    ),
  };
}

function subscriptionStatements(db: Db) {
  return {
    subscriptionsOfUser: db.prepare<[number], { name: string }>(
      'SELECT name FROM subscriptions WHERE user_id = ? ORDER BY name',
    ),
    isSubscribed: db.prepare<[number, string], { name: string }>(
      'SELECT name FROM subscriptions WHERE user_id = ? AND name = ?',
    ),
    subscribe: db.prepare<[number, string]>('INSERT OR IGNORE INTO subscriptions (user_id, name) VALUES (?, ?)'),
    unsubscribe: db.prepare<[number, string]>('DELETE FROM subscriptions WHERE user_id = ? AND name = ?'),
  };
}

function bodyStatements(db: Db) {
  return {
    insertBody: db.prepare<[Buffer]>('INSERT INTO bodies (refs, raw) VALUES (1, ?)'),
    addBodyRef: db.prepare<[number]>('UPDATE bodies SET refs = refs + 1 WHERE id = ?'),
    releaseBodyRef: db.prepare<[number]>('UPDATE bodies SET refs = refs - 1 WHERE id = ?'),
    dropUnreferencedBody: db.prepare<[number]>('DELETE FROM bodies WHERE id = ? AND refs <= 0'),
    bodyRaw: db.prepare<[number], { raw: Buffer }>('SELECT raw FROM bodies WHERE id = ?'),
  };
}

function messageStatements(db: Db) {
  return {
    insertMessage: db.prepare<[NewMessageRow]>(
      'INSERT INTO messages (folder_id, uid, body_id, modseq, flags, seen, deleted, internal_date, size_bytes, ' +
        'message_id, subject, from_text, to_text, date_at) VALUES (@folder_id, @uid, @body_id, @modseq, @flags, @seen, ' +
        '@deleted, @internal_date, @size_bytes, @message_id, @subject, @from_text, @to_text, @date_at)',
    ),
    messagesOfFolder: db.prepare<[number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE folder_id = ? ORDER BY uid`,
    ),
    messagesChangedSince: db.prepare<[number, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE folder_id = ? AND modseq > ? ORDER BY uid`,
    ),
    /** UIDs and \Seen only, as [uid, seen] rows: what SELECT and new-mail checks need of 10,000 messages. */
    uidsAfter: db
      .prepare<[number, number], [number, number]>(
        'SELECT uid, seen FROM messages WHERE folder_id = ? AND uid > ? ORDER BY uid',
      )
      .raw(),
    messageByUid: db.prepare<[number, number], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE folder_id = ? AND uid = ?`,
    ),
    /** A message and its bytes in one step: the IMAP FETCH loop runs this once per message. */
    messageWithBody: db.prepare<[number, number], MessageRow & { raw: Buffer }>(
      `SELECT ${MESSAGE_COLUMNS.split(', ')
        .map((c) => `m.${c}`)
        .join(', ')}, b.raw FROM messages m JOIN bodies b ON b.id = m.body_id WHERE m.folder_id = ? AND m.uid = ?`,
    ),
    updateFlags: db.prepare<[string, number, number, number, number, number]>(
      'UPDATE messages SET flags = ?, seen = ?, deleted = ?, modseq = ? WHERE folder_id = ? AND uid = ?',
    ),
    deleteMessage: db.prepare<[number, number]>('DELETE FROM messages WHERE folder_id = ? AND uid = ?'),
    deletedUids: db.prepare<[number], { uid: number }>(
      'SELECT uid FROM messages WHERE folder_id = ? AND deleted = 1 ORDER BY uid',
    ),
    moveAllMessages: db.prepare<[number, number]>('UPDATE messages SET folder_id = ? WHERE folder_id = ?'),
    insertExpunged: db.prepare<[number, number, number]>(
      'INSERT OR REPLACE INTO expunged (folder_id, uid, modseq) VALUES (?, ?, ?)',
    ),
    dropExpunged: db.prepare<[number]>('DELETE FROM expunged WHERE folder_id = ?'),
  };
}

function deliveryKeyStatements(db: Db) {
  return {
    deliveryKey: db.prepare<[string], { user_id: number; folder: string; uid: number; message_id: string | null }>(
      'SELECT user_id, folder, uid, message_id FROM delivery_keys WHERE key = ?',
    ),
    insertDeliveryKey: db.prepare<[string, number, string, number, string | null, number]>(
      'INSERT INTO delivery_keys (key, user_id, folder, uid, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    pruneDeliveryKeys: db.prepare<[number]>('DELETE FROM delivery_keys WHERE created_at < ?'),
  };
}

export function prepareStatements(db: Db) {
  return {
    ...userStatements(db),
    ...folderStatements(db),
    ...subscriptionStatements(db),
    ...bodyStatements(db),
    ...messageStatements(db),
    ...deliveryKeyStatements(db),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
