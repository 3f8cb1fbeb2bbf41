import type Database from 'better-sqlite3';

/**
 * The queue's on-disk layout. Migrations are applied in order and recorded in
 * `schema_version`, so a data folder from an older Mailscope opens with a newer one.
 *
 * Why these shapes:
 * - `messages.raw` is the last column: SQLite reads a row's columns front to back and
 *   only walks the blob's overflow pages when `raw` itself is selected, so listing the
 *   queue never pays for the bodies.
 * - `messages.id` is an integer key that follows enqueue order; `queue_id` is the
 *   public name. Recipients point at the integer (smaller index, cheaper joins).
 * - Partial indexes keep finished rows (the vast majority over time) out of the hot
 *   paths: live messages for the queue listing, pending recipients for the scheduler.
 * - `history` keeps the sender/size it was written with, so it outlives the message body
 *   and reads like the classic MTA log without joins.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    queue_id    TEXT    NOT NULL UNIQUE,
    trace_id    TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    origin      TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'held', 'done')),
    held_reason TEXT,
    env_id      TEXT,
    raw         BLOB
  );
  CREATE INDEX messages_live ON messages(id) WHERE status <> 'done';

  CREATE TABLE recipients (
    id               INTEGER PRIMARY KEY,
    message_id       INTEGER NOT NULL REFERENCES messages(id),
    address          TEXT    NOT NULL,
    original_address TEXT    NOT NULL,
    notify           TEXT,
    status           TEXT    NOT NULL
                     CHECK (status IN ('pending', 'active', 'delivered', 'failed', 'expanded')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    route            TEXT,
    last_code        INTEGER,
    last_text        TEXT,
    updated_at       INTEGER NOT NULL,
    parent_id        INTEGER REFERENCES recipients(id)
  );
  CREATE INDEX recipients_by_message ON recipients(message_id);
  CREATE INDEX recipients_due ON recipients(next_attempt_at, id) WHERE status = 'pending';

  CREATE TABLE history (
    id         INTEGER PRIMARY KEY,
    queue_id   TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('E', 'D', 'Q', 'R', 'X', 'H', 'U', 'K', 'B')),
    channel    TEXT    NOT NULL,
    sender     TEXT    NOT NULL,
    recipient  TEXT    NOT NULL,
    size_bytes INTEGER NOT NULL,
    status     TEXT    NOT NULL
  );
  CREATE INDEX history_by_queue ON history(queue_id, id);
  `,
];

/** The newest schema this code knows. */
export const QUEUE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Connection settings for durability: WAL with synchronous=FULL means a commit has
 * been fsync'd when it returns, which is what lets the MTA say 250.
 */
export function configureConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

/** Bring the file up to QUEUE_SCHEMA_VERSION; refuse a file written by a newer version. */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > QUEUE_SCHEMA_VERSION) {
    throw new Error(
      `queue file has schema version ${current}, newer than this Mailscope knows (${QUEUE_SCHEMA_VERSION})`,
    );
  }
  const apply = db.transaction(() => {
    for (let v = current; v < QUEUE_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(QUEUE_SCHEMA_VERSION);
  });
  if (current < QUEUE_SCHEMA_VERSION) apply.immediate();
}
