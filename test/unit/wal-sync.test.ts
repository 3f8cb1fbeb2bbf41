import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { WalSync, type FsyncFn } from '../../server/core/wal-sync.js';

/** An fsync the test finishes by hand, so it can see which commits each one covers. */
function manualFsync() {
  const started: Array<(err: Error | null) => void> = [];
  const fn: FsyncFn = (_fd, done) => started.push(done);
  return { fn, started };
}

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

/** A WAL database in a temp dir with a WalSync whose fsyncs the test finishes. */
function openWalDb(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'mailscope-walsync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  t.after(() => db.close());
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x INTEGER)');
  const fsync = manualFsync();
  return { db, fsync, sync: new WalSync(db, file, fsync.fn) };
}

test('a commit is acknowledged only by an fsync that started after it', async (t) => {
  const { db, fsync, sync } = openWalDb(t);
  const insert = db.prepare('INSERT INTO t VALUES (?)');

  sync.runRelaxed(() => insert.run(1));
  let firstDone = false;
  void sync.afterCommit().then(() => (firstDone = true));
  assert.equal(fsync.started.length, 1, 'the first commit starts an fsync');

  // A second commit while the first fsync runs must wait for a new one.
  sync.runRelaxed(() => insert.run(2));
  let secondDone = false;
  void sync.afterCommit().then(() => (secondDone = true));
  assert.equal(fsync.started.length, 1, 'no second fsync while one runs');

  fsync.started[0]!(null);
  await flushMicrotasks();
  assert.equal(firstDone, true);
  assert.equal(secondDone, false, 'the running fsync began before the second commit');
  assert.equal(fsync.started.length, 2, 'the next round starts at once');

  fsync.started[1]!(null);
  await flushMicrotasks();
  assert.equal(secondDone, true);
  assert.equal(db.pragma('synchronous', { simple: true }), 2, 'other writes stay synchronous = FULL');
});

test('an fsync error rejects the commits it covered', async (t) => {
  const { db, fsync, sync } = openWalDb(t);
  sync.runRelaxed(() => db.prepare('INSERT INTO t VALUES (1)').run());
  const acknowledged = sync.afterCommit();
  fsync.started[0]!(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
  await assert.rejects(acknowledged, /EIO/);
});

test('a flush asked for while an fsync runs waits for it, so later writes share one commit', async (t) => {
  const { db, fsync, sync } = openWalDb(t);
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  sync.runRelaxed(() => insert.run(1));
  void sync.afterCommit();

  let flushes = 0;
  sync.scheduleFlush(() => flushes++);
  sync.scheduleFlush(() => flushes++);
  await flushMicrotasks();
  assert.equal(flushes, 0, 'no commit while the fsync that could not cover it runs');

  fsync.started[0]!(null);
  await flushMicrotasks();
  assert.equal(flushes, 2, 'both run on the turn after the fsync ends');

  sync.scheduleFlush(() => flushes++);
  await flushMicrotasks();
  assert.equal(flushes, 3, 'with no fsync running, a flush waits only for the next turn');
});
