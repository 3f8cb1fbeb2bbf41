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

/**
 * `column` must hold one of `values`. Written as a chain of `=` instead of `IN (...)`:
 * SQLite turns an IN list of more than two constants into a temporary b-tree, built
 * and thrown away by every INSERT and UPDATE that checks it — a dozen times per
 * message here, about a tenth of the queue's CPU in bench/queue.ts.
 */
function oneOf(column: string, values: readonly string[]): string {
  return `CHECK (${values.map((v) => `${column} = '${v}'`).join(' OR ')})`;
}

/** The three tables, by the name to create them under (a rebuild creates them beside the old ones). */
const TABLES = {
  messages: (name: string) => `
  CREATE TABLE ${name} (
    id          INTEGER PRIMARY KEY,
    queue_id    TEXT    NOT NULL UNIQUE,
    trace_id    TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    origin      TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    status      TEXT    NOT NULL ${oneOf('status', ['queued', 'held', 'done'])},
    held_reason TEXT,
    env_id      TEXT,
    raw         BLOB
  );`,
  recipients: (name: string) => `
  CREATE TABLE ${name} (
    id               INTEGER PRIMARY KEY,
    message_id       INTEGER NOT NULL REFERENCES messages(id),
    address          TEXT    NOT NULL,
    original_address TEXT    NOT NULL,
    notify           TEXT,
    status           TEXT    NOT NULL ${oneOf('status', ['pending', 'active', 'delivered', 'failed', 'expanded'])},
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    route            TEXT,
    last_code        INTEGER,
    last_text        TEXT,
    updated_at       INTEGER NOT NULL,
    parent_id        INTEGER REFERENCES recipients(id)
  );`,
  history: (name: string) => `
  CREATE TABLE ${name} (
    id         INTEGER PRIMARY KEY,
    queue_id   TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    action     TEXT    NOT NULL ${oneOf('action', ['E', 'D', 'Q', 'R', 'X', 'H', 'U', 'K', 'B'])},
    channel    TEXT    NOT NULL,
    sender     TEXT    NOT NULL,
    recipient  TEXT    NOT NULL,
    size_bytes INTEGER NOT NULL,
    status     TEXT    NOT NULL
  );`,
};

const INDEXES = `
  CREATE INDEX messages_live ON messages(id) WHERE status <> 'done';
  CREATE INDEX recipients_by_message ON recipients(message_id);
  CREATE INDEX recipients_due ON recipients(next_attempt_at, id) WHERE status = 'pending';
  CREATE INDEX history_by_queue ON history(queue_id, id);
`;

/**
 * SQLite cannot change a table's CHECK constraints in place: a file from before
 * version 2 (its checks written with IN) gets its tables rebuilt, rows and ids kept —
 * the documented "12 steps" of ALTER TABLE, run with foreign keys off (see migrate).
 */
function rebuildTables(): string {
  return (
    Object.entries(TABLES)
      .map(
        ([table, create]) => `${create(`${table}_rebuilt`)}
  INSERT INTO ${table}_rebuilt SELECT * FROM ${table};
  DROP TABLE ${table};
  ALTER TABLE ${table}_rebuilt RENAME TO ${table};`,
      )
      .join('\n') + INDEXES
  );
}

/** Exported for the test that builds a file as an older Mailscope wrote it. */
export const MIGRATIONS: readonly string[] = [
  Object.entries(TABLES)
    .map(([table, create]) => create(table))
    .join('\n') + INDEXES,
  rebuildTables(),
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
    // A rebuild must leave every reference whole (it ran with the checks off).
    const broken = db.prepare('PRAGMA foreign_key_check').all();
    if (broken.length > 0) throw new Error(`queue migration left ${broken.length} broken references`);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(QUEUE_SCHEMA_VERSION);
  });
  if (current >= QUEUE_SCHEMA_VERSION) return;
  // Dropping a table others refer to is refused while foreign keys are enforced, and
  // the setting cannot change inside a transaction: off around the migrations.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    apply.immediate();
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}
