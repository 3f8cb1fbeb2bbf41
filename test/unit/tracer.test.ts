import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent, TraceInput } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { WorldTracer } from '../../server/core/tracer.js';

function recordingSink() {
  const appended: Array<{ event: TraceEvent; json: string | undefined }> = [];
  return { appended, append: (event: TraceEvent, json?: string) => appended.push({ event, json }) };
}

test('an event relayed as JSON text is persisted as the text JSON.stringify would give, without serialising it again', () => {
  const sink = recordingSink();
  const tracer = new WorldTracer(new WorldClock({ kind: 'stepped' }, undefined, 1_700_000_000_000), sink, 41);
  const input: TraceInput<'smtp.reply'> = {
    kind: 'smtp.reply',
    node: 'mta.siroe.example',
    data: { sessionId: 'smtp1', protocol: 'smtp', code: 250, text: 'Ok "quoted" é', enhanced: '2.1.0' },
  };
  const seen: TraceEvent[] = [];
  tracer.subscribe((event) => seen.push(event));

  tracer.emit(input, JSON.stringify(input));
  tracer.emit(input);

  const [relayed, local] = sink.appended;
  assert.equal(relayed!.json, JSON.stringify(relayed!.event));
  assert.deepEqual(JSON.parse(relayed!.json!), { seq: 42, at: 1_700_000_000_000, ...input });
  assert.equal(local!.json, undefined, 'a local event is serialised by the sink');
  assert.deepEqual(
    seen.map((e) => e.seq),
    [42, 43],
    'subscribers get both as objects, numbered in order',
  );
});
