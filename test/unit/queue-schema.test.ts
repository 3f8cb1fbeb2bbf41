import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { WorldClock } from '../../server/core/clock.js';
import { configureConnection, migrate, MIGRATIONS } from '../../server/queue/schema.js';
import { QueueStore } from '../../server/queue/queue-store.js';

function tempFile(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-queue-schema-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'queue.sqlite');
}

/** Version 1 as Mailscope wrote it before: the same tables, with CHECK (x IN (...)). */
function versionOneAsWrittenBefore(): string {
  return MIGRATIONS[0]!.replace(
    /CHECK \((\w+) = '(\w+)'((?: OR \w+ = '\w+')*)\)/g,
    (_all, column: string, first: string, rest: string) =>
      `CHECK (${column} IN ('${first}'${rest.replace(/ OR \w+ = /g, ', ')}))`,
  );
}

const tableSql = (db: Database.Database) =>
  db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table'")
    .all()
    .map((r) => r.sql);

test('a version 1 queue file is rebuilt to version 2: rows, ids and references kept, checks still enforced', (t) => {
  const file = tempFile(t);
  const old = new Database(file);
  old.exec(versionOneAsWrittenBefore());
  assert.ok(
    tableSql(old).some((sql) => sql.includes(" IN ('queued', 'held', 'done')")),
    'the fixture is the old form',
  );
  old.exec(`
    CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
    INSERT INTO messages (id, queue_id, trace_id, sender, size_bytes, source, origin, received_at, status, raw)
      VALUES (7, 'q_old', 'trace_q_old', 'alice@siroe.example', 3, 'smtp', '127.0.0.1', 1, 'queued', x'414243');
    INSERT INTO recipients (id, message_id, address, original_address, status, next_attempt_at, updated_at)
      VALUES (11, 7, 'team@siroe.example', 'team@siroe.example', 'expanded', 1, 1);
    INSERT INTO recipients (id, message_id, address, original_address, status, next_attempt_at, updated_at, parent_id)
      VALUES (12, 7, 'bob@siroe.example', 'team@siroe.example', 'pending', 1, 1, 11);
    INSERT INTO history (queue_id, at, action, channel, sender, recipient, size_bytes, status)
      VALUES ('q_old', 1, 'E', 'smtp', 'alice@siroe.example', 'team@siroe.example', 3, 'from 127.0.0.1');`);
  old.close();

  const store = QueueStore.open({ file, clock: new WorldClock({ kind: 'stepped' }, undefined, 1_000) });
  t.after(() => store.close());
  const message = store.get('q_old');
  assert.deepEqual(
    message?.recipients.map((r) => [r.recipientId, r.address, r.status]),
    [
      [11, 'team@siroe.example', 'expanded'],
      [12, 'bob@siroe.example', 'pending'],
    ],
    'recipients keep their ids and states',
  );
  assert.equal(store.raw('q_old')?.toString(), 'ABC');
  assert.deepEqual(
    store.history('q_old').map((h) => h.action),
    ['E'],
  );

  const look = new Database(file);
  t.after(() => look.close());
  assert.equal(look.prepare('SELECT version FROM schema_version').pluck().get(), 2);
  assert.ok(!tableSql(look).some((sql) => / IN \(/.test(sql)), 'no IN list is left in a CHECK');
  assert.equal(look.prepare('SELECT parent_id FROM recipients WHERE id = 12').pluck().get(), 11);
  assert.throws(
    () =>
      look
        .prepare(
          "INSERT INTO history (queue_id, at, action, channel, sender, recipient, size_bytes, status) VALUES ('x', 1, 'Z', 'c', 's', 'r', 1, 's')",
        )
        .run(),
    /CHECK constraint failed/,
  );
  // The reason for the rebuild: checking a row no longer builds a temporary b-tree.
  const opcodes = look
    .prepare(
      "EXPLAIN INSERT INTO history (queue_id, at, action, channel, sender, recipient, size_bytes, status) VALUES ('x', 1, 'E', 'c', 's', 'r', 1, 's')",
    )
    .all() as Array<{ opcode: string }>;
  assert.ok(!opcodes.some((op) => op.opcode === 'OpenEphemeral'));
});

test('migrating leaves foreign keys enforced on the connection', (t) => {
  const db = new Database(tempFile(t));
  t.after(() => db.close());
  configureConnection(db);
  migrate(db);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO recipients (message_id, address, original_address, status, next_attempt_at, updated_at) VALUES (999, 'a', 'a', 'pending', 1, 1)",
        )
        .run(),
    /FOREIGN KEY constraint failed/,
  );
});
