import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { traceInputJson, WorldTracer } from '../../server/core/tracer.js';

const START = Date.UTC(2026, 10, 28, 12, 0, 0);

function tracerWithStore() {
  const kept: Array<{ seq: number; json: string }> = [];
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, START), {
    append: (event) => kept.push({ seq: event.seq, json: JSON.stringify(event) }),
    appendJson: (seq, json) => kept.push({ seq, json }),
  });
  return { tracer, kept };
}

test('an event relayed as JSON text is numbered with the others and kept as the same JSON emit would give', () => {
  const { tracer, kept } = tracerWithStore();
  const reply = {
    node: 'mta.siroe.example',
    kind: 'smtp.reply',
    data: { sessionId: 's1', protocol: 'smtp', code: 250, text: 'Ok "quoted"\nnext' },
  } as const;
  tracer.emit({
    kind: 'session.opened',
    node: 'mta.siroe.example',
    data: { sessionId: 's1', protocol: 'smtp', remoteAddress: '127.0.0.1', remotePort: 1, localPort: 25 },
  });
  tracer.emitJson(traceInputJson(reply));
  tracer.emit(reply);
  assert.deepEqual(
    kept.map((k) => k.seq),
    [1, 2, 3],
  );
  const relayed = JSON.parse(kept[1]!.json) as TraceEvent;
  const emitted = JSON.parse(kept[2]!.json) as TraceEvent;
  assert.deepEqual({ ...relayed, seq: 3 }, emitted);
  assert.equal(relayed.at, START);
  assert.equal(tracer.lastSeq(), 3);
});

test('subscribers get the kinds they asked for; a relayed event is parsed once for all of them', () => {
  const { tracer } = tracerWithStore();
  const all: TraceEvent[] = [];
  const replies: TraceEvent[] = [];
  const none: TraceEvent[] = [];
  tracer.subscribe((e) => all.push(e));
  tracer.subscribe((e) => replies.push(e), ['smtp.reply']);
  const stop = tracer.subscribe((e) => none.push(e), ['mailbox.stored']);
  tracer.subscribe(() => {
    throw new Error('a broken observer');
  });
  tracer.emitJson(
    traceInputJson({
      kind: 'smtp.reply',
      node: 'n',
      data: { sessionId: 's', protocol: 'smtp', code: 221, text: 'Bye' },
    }),
  );
  tracer.emitJson(
    traceInputJson({
      kind: 'smtp.command',
      node: 'n',
      data: { sessionId: 's', protocol: 'smtp', verb: 'QUIT', args: '' },
    }),
  );
  stop();
  assert.deepEqual(
    all.map((e) => [e.seq, e.kind]),
    [
      [1, 'smtp.reply'],
      [2, 'smtp.command'],
    ],
  );
  assert.equal(replies.length, 1);
  assert.equal(replies[0], all[0], 'the same parsed event for every subscriber');
  assert.deepEqual(none, []);
});

test('relayed JSON that does not start with its kind is refused, and takes no number', () => {
  const { tracer } = tracerWithStore();
  assert.throws(() => tracer.emitJson(JSON.stringify({ node: 'n', kind: 'smtp.reply' })), /starts with its kind/);
  assert.equal(tracer.lastSeq(), 0);
});
