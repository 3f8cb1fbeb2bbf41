import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
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
    log.append(event(seq));
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
  reopened.append(event(251));
  assert.deepEqual(
    reopened.since(248, 10).map((e) => e.seq),
    [249, 250, 251],
  );
});
