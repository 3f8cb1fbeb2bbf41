import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { WorldTracer } from '../../server/core/tracer.js';

test('subscribers get the kinds they asked for, numbered with every other event; a broken one harms nobody', () => {
  const kept: TraceEvent[] = [];
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, Date.UTC(2026, 10, 28)), {
    append: (event) => kept.push(event),
  });
  const all: TraceEvent[] = [];
  const replies: TraceEvent[] = [];
  const none: TraceEvent[] = [];
  tracer.subscribe((e) => all.push(e));
  tracer.subscribe((e) => replies.push(e), ['smtp.reply']);
  const stop = tracer.subscribe((e) => none.push(e), ['mailbox.stored']);
  tracer.subscribe(() => {
    throw new Error('a broken observer');
  });
  tracer.emit({ kind: 'smtp.reply', node: 'n', data: { sessionId: 's', protocol: 'smtp', code: 221, text: 'Bye' } });
  tracer.emit({ kind: 'smtp.command', node: 'n', data: { sessionId: 's', protocol: 'smtp', verb: 'QUIT', args: '' } });
  stop();
  assert.deepEqual(
    all.map((e) => [e.seq, e.kind]),
    [
      [1, 'smtp.reply'],
      [2, 'smtp.command'],
    ],
  );
  assert.deepEqual(replies, [all[0]]);
  assert.deepEqual(none, []);
  assert.equal(kept.length, 2);
});
