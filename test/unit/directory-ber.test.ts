import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BerCursor, decodeInteger, encodeBer, encodeBerAll } from '../../server/directory/ber.js';

const hex = (buf: Buffer) => buf.toString('hex');

test('BER integers take the fewest bytes that keep them positive (X.690 §8.3)', () => {
  const cases: Array<[number, string]> = [
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [255, '020200ff'],
    [256, '02020100'],
    [32767, '02027fff'],
    [32768, '0203008000'],
    [0x7fffffff, '02047fffffff'],
  ];
  for (const [n, expected] of cases) {
    assert.equal(hex(encodeBer({ tag: 0x02, int: n })), expected, `integer ${n}`);
    assert.equal(decodeInteger(encodeBer({ tag: 0x02, int: n }).subarray(2)), n);
  }
  assert.throws(() => encodeBer({ tag: 0x02, int: -1 }), /out of range/);
  assert.throws(() => encodeBer({ tag: 0x02, int: 1.5 }), /out of range/);
});

test('BER lengths switch to the long form at 128 bytes, and text is counted in UTF-8 bytes', () => {
  assert.equal(hex(encodeBer({ tag: 0x04, text: 'x'.repeat(127) })).slice(0, 4), '047f');
  assert.equal(hex(encodeBer({ tag: 0x04, text: 'x'.repeat(128) })).slice(0, 6), '048180');
  assert.equal(hex(encodeBer({ tag: 0x04, text: 'x'.repeat(256) })).slice(0, 8), '04820100');
  assert.equal(hex(encodeBer({ tag: 0x04, bytes: Buffer.alloc(65536) })).slice(0, 10), '0483010000');
  const utf8 = encodeBer({ tag: 0x04, text: 'Zoë ✉' });
  assert.equal(utf8[1], Buffer.byteLength('Zoë ✉'));
  assert.equal(utf8.subarray(2).toString('utf8'), 'Zoë ✉');
});

test('nested elements and several messages are written back to back in one buffer', () => {
  const message = (id: number, name: string) => ({
    tag: 0x30,
    children: [
      { tag: 0x02, int: id },
      {
        tag: 0x64,
        children: [
          { tag: 0x04, text: name },
          { tag: 0x30, children: [] },
        ],
      },
    ],
  });
  const both = encodeBerAll([message(1, 'uid=a'), message(300, 'x'.repeat(200))]);
  const cursor = new BerCursor(both);
  const first = cursor.next();
  assert.equal(decodeInteger(first.cursor.next().content), 1);
  assert.equal(first.cursor.next().cursor.next().content.toString(), 'uid=a');
  const second = cursor.next();
  assert.equal(decodeInteger(second.cursor.next().content), 300);
  assert.equal(second.cursor.next().cursor.next().content.toString(), 'x'.repeat(200));
  assert.equal(hex(encodeBer(message(1, 'uid=a'))), hex(both.subarray(0, encodeBer(message(1, 'uid=a')).length)));
});
