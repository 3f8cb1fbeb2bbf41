import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent, TraceInput } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { WorldTracer } from '../../server/core/tracer.js';

const AT = 1_700_000_000_000;

function recordingSink() {
  const appended: Array<{ seq: number; json: string }> = [];
  return { appended, append: (seq: number, json: string) => void appended.push({ seq, json }) };
}

const input: TraceInput<'smtp.reply'> = {
  kind: 'smtp.reply',
  node: 'mta.siroe.example',
  data: { sessionId: 'smtp1', protocol: 'smtp', code: 250, text: 'Ok "quoted" é', enhanced: '2.1.0' },
};

test('a relayed event is persisted as the text JSON.stringify gives, numbered in line with local ones', () => {
  const sink = recordingSink();
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, AT), sink, 41);
  const seen: TraceEvent[] = [];
  tracer.subscribe((event) => seen.push(event));

  tracer.relay(JSON.stringify(input));
  tracer.emit(input);

  const expected = (seq: number) => ({ seq, at: AT, ...input });
  assert.deepEqual(sink.appended, [
    { seq: 42, json: JSON.stringify(expected(42)) },
    { seq: 43, json: JSON.stringify(expected(43)) },
  ]);
  assert.deepEqual(seen, [expected(42), expected(43)], 'subscribers get both as objects, in order');
  assert.equal(tracer.lastSeq(), 43);
});

test('with nobody subscribed a relayed event is still numbered and persisted; a later subscriber sees only later ones', () => {
  const sink = recordingSink();
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, AT), sink);
  tracer.relay(JSON.stringify(input));
  const seen: number[] = [];
  tracer.subscribe((event) => seen.push(event.seq));
  tracer.relay(JSON.stringify(input));
  assert.deepEqual(
    sink.appended.map((a) => a.seq),
    [1, 2],
  );
  assert.deepEqual(seen, [2]);
});

test('a subscriber that throws does not stop the others or the sink', () => {
  const sink = recordingSink();
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, AT), sink);
  const seen: number[] = [];
  tracer.subscribe(() => {
    throw new Error('closed socket');
  });
  tracer.subscribe((event) => seen.push(event.seq));
  tracer.relay(JSON.stringify(input));
  tracer.emit(input);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(sink.appended.length, 2);
});

test('a subscriber of some kinds gets only those, relayed or local; a JSON subscriber gets every event as its text', () => {
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, AT), recordingSink());
  const stored: TraceEvent[] = [];
  const texts: Array<[number, string]> = [];
  tracer.subscribe((event) => stored.push(event), ['mailbox.stored']);
  tracer.subscribeJson((seq, json) => texts.push([seq, json]));
  const storedInput: TraceInput<'mailbox.stored'> = {
    kind: 'mailbox.stored',
    node: 'mailboxb.siroe.example',
    data: { address: 'bob@siroe.example', folder: 'INBOX', uid: 1, sizeBytes: 10, duplicate: false },
  };

  tracer.relay(JSON.stringify(input));
  tracer.relay(JSON.stringify(storedInput));
  tracer.emit(input);
  tracer.emit(storedInput);
  // A relayed input whose kind is not its first field is still sorted out correctly.
  tracer.relay(JSON.stringify({ node: storedInput.node, kind: storedInput.kind, data: storedInput.data }));

  assert.deepEqual(
    stored.map((e) => [e.seq, e.kind]),
    [
      [2, 'mailbox.stored'],
      [4, 'mailbox.stored'],
      [5, 'mailbox.stored'],
    ],
  );
  assert.deepEqual(
    texts.map(([seq]) => seq),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(JSON.parse(texts[0]![1]), { seq: 1, at: AT, ...input });
  assert.deepEqual(JSON.parse(texts[3]![1]), { seq: 4, at: AT, ...storedInput });
});
