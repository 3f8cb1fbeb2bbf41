import type Database from 'better-sqlite3';

/**
 * The store's schema, as numbered migrations. A file records its version in
 * `schema_version`; opening it applies whatever migrations are newer, each in its
 * own transaction, so a later issue adds a column by appending a migration here.
 */

const V1 = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL UNIQUE,            -- lower-case: addresses are matched case-insensitively
  login TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_uid_validity INTEGER NOT NULL DEFAULT 0  -- keeps UIDVALIDITY unique per user
);
CREATE INDEX users_login ON users(login COLLATE NOCASE);

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,                      -- case-sensitive, except INBOX which is stored as "INBOX"
  special_use TEXT,
  uid_validity INTEGER NOT NULL,
  uid_next INTEGER NOT NULL DEFAULT 1,
  highest_modseq INTEGER NOT NULL DEFAULT 1,
  recent_uid_floor INTEGER NOT NULL DEFAULT 1, -- UIDs at or above it are \\Recent for the next session that claims them
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, name)
);

-- Subscriptions are names, not folders: RFC 3501 lets a client subscribe to a name
-- that does not exist, and deleting a folder does not unsubscribe it.
CREATE TABLE subscriptions (
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
) WITHOUT ROWID;

-- The raw message lives once; COPY adds a reference instead of a second blob.
CREATE TABLE bodies (
  id INTEGER PRIMARY KEY,
  refs INTEGER NOT NULL,
  raw BLOB NOT NULL
);

CREATE TABLE messages (
  folder_id INTEGER NOT NULL REFERENCES folders(id),
  uid INTEGER NOT NULL,
  body_id INTEGER NOT NULL REFERENCES bodies(id),
  modseq INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '',          -- space-separated, sorted
  seen INTEGER NOT NULL DEFAULT 0,         -- copies of \\Seen / \\Deleted, for counts and EXPUNGE
  deleted INTEGER NOT NULL DEFAULT 0,
  internal_date INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL,
  message_id TEXT,
  subject TEXT NOT NULL DEFAULT '',
  from_text TEXT NOT NULL DEFAULT '',
  to_text TEXT NOT NULL DEFAULT '',
  date_at INTEGER,
  PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;
CREATE INDEX messages_modseq ON messages(folder_id, modseq);

-- Expunged UIDs with the modseq of their removal: what QRESYNC's VANISHED needs later.
CREATE TABLE expunged (
  folder_id INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;

-- One row per delivery key ("<queueId>:<recipient>"): makes LMTP delivery idempotent
-- when the queue retries after a crash between our commit and its own.
CREATE TABLE delivery_keys (
  key TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  folder TEXT NOT NULL,
  uid INTEGER NOT NULL,
  message_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX delivery_keys_created ON delivery_keys(created_at);
`;

const MIGRATIONS: readonly string[] = [V1];

export const SCHEMA_VERSION = MIGRATIONS.length;

function currentVersion(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  return row?.version ?? 0;
}

export function migrate(db: Database.Database): void {
  const from = currentVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(`store file has schema version ${from}, newer than this program (${SCHEMA_VERSION})`);
  }
  for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
    const apply = db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]!);
      db.prepare('UPDATE schema_version SET version = ?').run(version);
    });
    apply.immediate();
  }
}

/** WAL + synchronous=FULL: a commit is on disk (fsync'd) when it returns. */
export function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Another connection on the same file (a test, a tool) is waited for, but only briefly:
  // the wait blocks the event loop, and a refused delivery is simply retried by the queue.
  db.pragma('busy_timeout = 1000');
}
