import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { EachInOneTransaction } from '../../server/core/each-in-one-transaction.js';

function openPair(t: { after: (fn: () => void) => void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-each-'));
  const file = path.join(dir, 'batch.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 0');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER)');
  t.after(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { db, file };
}

/** A batch over `write` that counts how many times a write ran (a run again shows in the count). */
function countingBatch<T, R>(db: Database.Database, write: (item: T) => R) {
  const runs = { applied: 0 };
  const batch = new EachInOneTransaction(db, (item: T) => {
    runs.applied++;
    return write(item);
  });
  return { batch, runs };
}

test('a write that throws fails alone: its own rows are undone, its neighbours commit', (t) => {
  const { db } = openPair(t);
  const insert = db.prepare('INSERT INTO t (k, n) VALUES (?, ?)');
  const { batch, runs } = countingBatch(db, (k: string) => {
    insert.run(`${k}-first`, 1);
    if (k === 'bad') throw new Error('this write fails after writing a row');
    return insert.run(k, 2).changes;
  });
  const outcomes = batch.run(['a', 'bad', 'c']);
  assert.deepEqual(
    outcomes.map((o) => (o.ok ? o.value : (o.error as Error).message)),
    [1, 'this write fails after writing a row', 1],
  );
  assert.deepEqual(
    db.prepare('SELECT k FROM t ORDER BY k').pluck().all(),
    ['a', 'a-first', 'c', 'c-first'],
    'nothing of the failed write stays',
  );
  assert.equal(runs.applied, 5, 'the first plain run got as far as the failure, then each write ran again');
  assert.equal(db.inTransaction, false);
});

test('a batch whose writes all succeed runs once, in one transaction', (t) => {
  const { db } = openPair(t);
  const insert = db.prepare('INSERT INTO t (k, n) VALUES (?, 0)');
  const { batch, runs } = countingBatch(db, (k: string) => {
    assert.equal(db.inTransaction, true);
    return insert.run(k).changes;
  });
  assert.deepEqual(batch.run(['x', 'y']), [
    { ok: true, value: 1 },
    { ok: true, value: 1 },
  ]);
  assert.equal(runs.applied, 2);
});

test('a transaction that cannot begin (the file is busy) is not run again: run throws and nothing is written', (t) => {
  const { db, file } = openPair(t);
  const other = new Database(file);
  t.after(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  const { batch, runs } = countingBatch(db, () => db.prepare("INSERT INTO t (k, n) VALUES ('z', 0)").run().changes);
  assert.throws(() => batch.run(['one']), { code: 'SQLITE_BUSY' });
  assert.equal(runs.applied, 0, 'no write ran, and none ran twice');
  other.exec('ROLLBACK');
  assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0);
});
