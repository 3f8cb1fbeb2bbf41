import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentEvents } from '../../server/core/recent-events.js';

const text = (seq: number) =>
  JSON.stringify({ seq, kind: 'smtp.reply', data: { text: `Ok é ${'x'.repeat(seq % 7)}` } });

test('events read back as they were written, across chunks, with non-ASCII text intact', () => {
  const recent = new RecentEvents(64, 100);
  for (let seq = 10; seq < 40; seq++) recent.append(seq, text(seq));
  assert.equal(recent.oldestSeq, 10);
  assert.equal(recent.newestSeq, 39);
  assert.deepEqual(
    recent.texts(9, 100),
    Array.from({ length: 30 }, (_, i) => text(10 + i)),
  );
  assert.deepEqual(recent.texts(20, 3), [text(21), text(22), text(23)]);
  assert.deepEqual(recent.texts(39, 10), []);
});

test('a run of events comes out as newline-separated lines in a buffer of its own, even across chunks', () => {
  const recent = new RecentEvents(64, 100);
  for (let seq = 1; seq <= 12; seq++) recent.append(seq, text(seq));
  const lines = recent.lines(3, 9)!;
  assert.equal(lines.byteOffset, 0);
  assert.equal(lines.buffer.byteLength, lines.byteLength, 'nothing else rides along when it is transferred');
  assert.deepEqual(Buffer.from(lines).toString('utf8').split('\n'), [3, 4, 5, 6, 7, 8, 9].map(text));
  assert.equal(Buffer.from(recent.lines(12, 12)!).toString('utf8'), text(12));
  assert.equal(recent.lines(0, 3), undefined, 'before the oldest');
  assert.equal(recent.lines(5, 13), undefined, 'past the newest');
});

test('an event larger than a chunk gets a chunk of its own', () => {
  const recent = new RecentEvents(32, 100);
  const big = JSON.stringify({ text: 'ü'.repeat(500) });
  recent.append(1, text(1));
  recent.append(2, big);
  recent.append(3, text(3));
  assert.deepEqual(recent.texts(0, 10), [text(1), big, text(3)]);
  assert.equal(Buffer.from(recent.lines(1, 3)!).toString('utf8'), [text(1), big, text(3)].join('\n'));
});

test('memory grows until trimmed, trim keeps the budget of chunks, and numbering goes on', () => {
  // About five of these events fit in a chunk of 400 bytes.
  const recent = new RecentEvents(400, 2);
  for (let seq = 1; seq <= 40; seq++) recent.append(seq, text(seq));
  assert.equal(recent.oldestSeq, 1, 'nothing goes before a trim');
  recent.trim();
  const oldest = recent.oldestSeq!;
  assert.ok(oldest > 30 && oldest <= 40, `oldest ${oldest}: about two chunks are kept`);
  assert.deepEqual(
    recent.texts(0, 100),
    Array.from({ length: 41 - oldest }, (_, i) => text(oldest + i)),
  );
  recent.append(41, text(41));
  assert.deepEqual(recent.texts(40, 10), [text(41)]);
});

test('an event that does not follow the newest starts the memory over from it', () => {
  const recent = new RecentEvents(400, 4);
  for (let seq = 1; seq <= 10; seq++) recent.append(seq, text(seq));
  recent.append(20, text(20));
  assert.equal(recent.oldestSeq, 20);
  assert.deepEqual(recent.texts(0, 10), [text(20)]);
  assert.equal(recent.lines(5, 20), undefined);
});

test('many events, trimmed as they come, keep reading back right (the index grows and is compacted)', () => {
  const recent = new RecentEvents(4096, 3);
  for (let seq = 1; seq <= 5000; seq++) {
    recent.append(seq, text(seq));
    if (seq % 100 === 0) recent.trim();
  }
  const oldest = recent.oldestSeq!;
  assert.ok(oldest > 4000, `oldest ${oldest}: only about three chunks are kept`);
  assert.deepEqual(
    recent.texts(oldest - 1, 5),
    [0, 1, 2, 3, 4].map((i) => text(oldest + i)),
  );
  assert.deepEqual(
    Buffer.from(recent.lines(4990, 5000)!)
      .toString('utf8')
      .split('\n')
      .map((line) => JSON.parse(line).seq),
    [4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000],
  );
});
