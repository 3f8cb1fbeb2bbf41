import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import Database from 'better-sqlite3';
import { RecentEvents } from '../../server/core/recent-events.js';
import { TraceLog } from '../../server/core/trace-log.js';

const event = (seq: number): TraceEvent => ({
  seq,
  at: 1_000 + seq,
  kind: 'clock.changed',
  node: 'mta.siroe.example',
  data: { mode: 'real', now: seq },
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('the trace survives a restart and reads back in seq order, from memory and from the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailscope-trace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trace.sqlite');

  const log = await TraceLog.open(file);
  assert.equal(log.lastSeq(), 0);
  for (let seq = 1; seq <= 250; seq++) {
    log.append(seq, JSON.stringify(event(seq)));
    if (seq % 100 === 0) await nextTurn(); // several segments
  }
  assert.deepEqual(
    log.since(100, 3).map((e) => e.seq),
    [101, 102, 103],
    'recent events come from memory',
  );
  await log.close();

  const reopened = await TraceLog.open(file);
  t.after(() => reopened.close());
  assert.equal(reopened.lastSeq(), 250);
  const middle = reopened.since(150, 60);
  assert.deepEqual(
    middle.map((e) => e.seq),
    Array.from({ length: 60 }, (_, i) => 151 + i),
  );
  assert.deepEqual(middle[0], event(151));
  assert.equal(reopened.since(0, 10_000).length, 250);
  // New events continue after the old ones, and reads stitch file and memory together.
  reopened.append(251, JSON.stringify(event(251)));
  assert.deepEqual(
    reopened.since(248, 10).map((e) => e.seq),
    [249, 250, 251],
  );
});

/** Until the writer thread has stored events up to `seq`; it runs on its own, so this waits on its result, not a timer. */
async function storedUpTo(log: TraceLog, seq: number): Promise<void> {
  while (log.lastSeq() < seq) await nextTurn();
}

test('with little memory, reads stitch the file and what memory still holds, and a damaged line is skipped', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailscope-trace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trace.sqlite');

  // Two chunks of 4 KiB: about seventy of these events stay in memory after each flush.
  const log = await TraceLog.open(file, new RecentEvents(4096, 2));
  for (let seq = 1; seq <= 12_000; seq++) log.append(seq, JSON.stringify(event(seq)));
  await storedUpTo(log, 10_000); // two segments of 5,000 went at once; the last 2,000 wait in memory
  const all = log.since(0, 20_000).map((e) => e.seq);
  assert.equal(all.length, 12_000);
  assert.ok(
    all.every((seq, i) => seq === i + 1),
    'every event once, in order',
  );
  assert.deepEqual(log.since(9_990, 20).at(-1), event(10_010));
  await log.close();

  const damage = new Database(file);
  damage
    .prepare('INSERT INTO trace_segments (first_seq, last_seq, events) VALUES (?, ?, ?)')
    .run(12_001, 12_002, `not an event\n${JSON.stringify(event(12_002))}`);
  damage.close();
  const reopened = await TraceLog.open(file);
  t.after(() => reopened.close());
  assert.equal(reopened.since(0, 20_000).length, 12_001, 'all 12,000 and the good line after the damaged one');
  assert.deepEqual(reopened.since(12_000, 10), [event(12_002)]);
});
