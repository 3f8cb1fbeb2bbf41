import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataReader } from '../../server/mta/smtp/data-reader.js';
import { LineReader, type LineEvent } from '../../server/mta/smtp/line-reader.js';

/** Runs input through a LineReader the way the session does and lists what came out. */
function readLines(reader: LineReader, chunks: string[]): string[] {
  const out: string[] = [];
  let pending = Buffer.alloc(0);
  for (const chunk of chunks) {
    pending = Buffer.concat([pending, Buffer.from(chunk)]);
    for (;;) {
      const { event, consumed } = reader.take(pending);
      pending = pending.subarray(consumed);
      if (event.kind === 'line') out.push(`line:${event.line.toString()}`);
      if (event.kind === 'too-long') out.push('too-long');
      if (event.kind === 'none' && consumed === 0) break;
    }
  }
  return out;
}

describe('LineReader', () => {
  test('splits CRLF and bare LF lines and keeps a partial line for later', () => {
    const reader = new LineReader(4096);
    assert.deepEqual(readLines(reader, ['EHLO a\r\nNOOP\nMA', 'IL FROM:<>\r\n']), [
      'line:EHLO a',
      'line:NOOP',
      'line:MAIL FROM:<>',
    ]);
  });

  test('a line of exactly the limit passes, one byte more is too long', () => {
    const reader = new LineReader(10);
    assert.deepEqual(readLines(reader, ['12345678\r\n']), ['line:12345678']);
    assert.deepEqual(readLines(reader, ['123456789\r\n', 'NOOP\r\n']), ['too-long', 'line:NOOP']);
  });

  test('an endless line is reported once and skipped as it arrives', () => {
    const reader = new LineReader(10);
    const chunks = ['x'.repeat(25), 'y'.repeat(25), 'z\r\nNOOP\r\n'];
    assert.deepEqual(readLines(reader, chunks), ['too-long', 'line:NOOP']);
  });

  test('never holds more than the limit of an unfinished line', () => {
    const reader = new LineReader(16);
    const take = reader.take(Buffer.from('a'.repeat(15)));
    assert.equal(take.consumed, 0);
    assert.equal((take.event as LineEvent).kind, 'none');
    const over = reader.take(Buffer.from('a'.repeat(16)));
    assert.equal(over.event.kind, 'too-long');
    assert.equal(over.consumed, 16);
  });
});

/** Feeds `wire` to a DataReader in the given chunk sizes; returns message, rest and state. */
function readBody(wire: string | Buffer, chunkSizes: number[] | 'bytewise', max = 1 << 20) {
  const reader = new DataReader(max);
  const bytes = Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'latin1');
  const sizes = chunkSizes === 'bytewise' ? Array<number>(bytes.length).fill(1) : chunkSizes;
  let offset = 0;
  let rest = Buffer.alloc(0);
  let done = false;
  for (const size of [...sizes, bytes.length]) {
    if (offset >= bytes.length || done) break;
    const chunk = bytes.subarray(offset, offset + size);
    const r = reader.push(chunk);
    offset += chunk.length;
    if (r.done) {
      done = true;
      rest = Buffer.concat([chunk.subarray(r.consumed), bytes.subarray(offset)]);
    } else assert.equal(r.consumed, chunk.length);
  }
  return { done, message: reader.message().toString('latin1'), rest: rest.toString('latin1'), reader };
}

describe('DataReader', () => {
  const wire = 'Subject: x\r\n\r\n..leading dot\r\nline.\r\n.\r\nQUIT\r\n';
  const expected = 'Subject: x\r\n\r\n.leading dot\r\nline.\r\n';

  test('unstuffs leading dots and stops at CRLF.CRLF, leaving what follows', () => {
    const r = readBody(wire, []);
    assert.equal(r.done, true);
    assert.equal(r.message, expected);
    assert.equal(r.rest, 'QUIT\r\n');
  });

  test('handles the terminator and stuffing split at every possible chunk boundary', () => {
    const bytes = Buffer.from(wire, 'latin1');
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = readBody(bytes, [cut]);
      assert.equal(r.done, true, `cut at ${cut}`);
      assert.equal(r.message, expected, `cut at ${cut}`);
      assert.equal(r.rest, 'QUIT\r\n', `cut at ${cut}`);
    }
    const bytewise = readBody(bytes, 'bytewise');
    assert.equal(bytewise.message, expected);
  });

  test('an immediate terminator is an empty message', () => {
    const r = readBody('.\r\n', []);
    assert.equal(r.done, true);
    assert.equal(r.message, '');
  });

  test('bare LF never ends the body (no SMTP smuggling)', () => {
    const r = readBody('a\n.\nb\n.\r\nc\r\n.\r\n', []);
    assert.equal(r.done, true);
    assert.equal(r.message, 'a\n.\nb\n.\r\nc\r\n');
  });

  test('a dot followed by CR and more text is stuffing, the CR stays', () => {
    const r = readBody('.\rx\r\n.\r\n', 'bytewise');
    assert.equal(r.message, '\rx\r\n');
  });

  test('keeps 8-bit bytes untouched', () => {
    const body = Buffer.concat([
      Buffer.from('Subject: caf'),
      Buffer.from([0xc3, 0xa9, 0xff, 0x00]),
      Buffer.from('\r\n.\r\n'),
    ]);
    const reader = new DataReader(1000);
    assert.equal(reader.push(body).done, true);
    assert.deepEqual(reader.message(), body.subarray(0, body.length - 3));
  });

  test('past the size limit it reads to the end but keeps nothing', () => {
    const big = `${'x'.repeat(78)}\r\n`.repeat(100);
    const r = readBody(`${big}.\r\nNOOP\r\n`, [1000, 1000, 1000], 1000);
    assert.equal(r.done, true);
    assert.equal(r.reader.tooLarge, true);
    assert.equal(r.reader.sizeBytes, big.length);
    assert.equal(r.message, '');
    assert.equal(r.rest, 'NOOP\r\n');
  });
});
