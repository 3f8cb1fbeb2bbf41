import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage, encodeMessage, encodeWithLimit } from '../../server/dns/message-codec.js';
import { nameToLabels } from '../../server/dns/names.js';
import { rdataText } from '../../server/dns/presentation.js';
import { ipv6Bytes, ipv6Text, splitCharacterStrings } from '../../server/dns/rdata.js';
import { reverseName } from '../../server/dns/reverse-names.js';
import {
  DnsWireError,
  RRClass,
  RRType,
  type DnsMessage,
  type RecordData,
  type ResourceRecord,
} from '../../server/dns/types.js';

function rr(name: string, type: number, data: RecordData, ttl = 300): ResourceRecord {
  return { name, type, class: RRClass.IN, ttl, data };
}

function response(answers: ResourceRecord[], additional: ResourceRecord[] = []): DnsMessage {
  return {
    header: { id: 0xbeef, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, rcode: 0 },
    questions: [{ name: 'example.com', type: RRType.ANY, class: RRClass.IN }],
    answers,
    authority: [],
    additional,
  };
}

/** A header: id 1, a query, with these section counts. */
function header(qd: number, an = 0, ns = 0, ar = 0): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(1, 0);
  [qd, an, ns, ar].forEach((n, i) => b.writeUInt16BE(n, 4 + i * 2));
  return b;
}

const question = (name: Buffer) => Buffer.concat([name, Buffer.from([0, 1, 0, 1])]);

test('every record type survives an encode/decode round trip', () => {
  const records = [
    rr('example.com', RRType.A, { kind: 'A', address: '192.0.2.7' }),
    rr('example.com', RRType.AAAA, { kind: 'AAAA', address: '2001:db8::25' }),
    rr('example.com', RRType.MX, { kind: 'MX', preference: 10, exchange: 'mx1.example.com' }),
    rr('example.com', RRType.TXT, { kind: 'TXT', texts: ['v=spf1 -all', 'second "quoted" string'] }),
    rr('www.example.com', RRType.CNAME, { kind: 'CNAME', target: 'example.com' }),
    rr('1.2.0.192.in-addr.arpa', RRType.PTR, { kind: 'PTR', target: 'mx1.example.com' }),
    rr('example.com', RRType.NS, { kind: 'NS', target: 'ns.siroe.example' }),
    rr('example.com', RRType.SOA, {
      kind: 'SOA',
      mname: 'ns.siroe.example',
      rname: 'hostmaster.siroe.example',
      serial: 2024010101,
      refreshSeconds: 3600,
      retrySeconds: 600,
      expireSeconds: 86400,
      minimumSeconds: 300,
    }),
    rr('example.com', 99, { kind: 'unknown', raw: Buffer.from([1, 2, 3]) }),
  ];
  const opt: ResourceRecord = {
    name: '',
    type: RRType.OPT,
    class: 1232,
    ttl: 0,
    data: { kind: 'OPT', options: Buffer.alloc(0) },
  };
  const message = response(records, [opt]);
  const decoded = decodeMessage(encodeMessage(message));
  assert.deepEqual(decoded, message);
});

test('names are compressed on encode and pointers followed on decode', () => {
  const message = response([
    rr('example.com', RRType.MX, { kind: 'MX', preference: 10, exchange: 'mx1.example.com' }),
    rr('example.com', RRType.MX, { kind: 'MX', preference: 20, exchange: 'mx2.EXAMPLE.com' }),
  ]);
  const bytes = encodeMessage(message);
  // Owner names of both answers are pointers to the question name at offset 12.
  const pointer = Buffer.from([0xc0, 0x0c]);
  assert.equal(bytes.indexOf(pointer), 12 + 13 + 4);
  // Compression matches exact bytes, so a name's case survives (EXAMPLE is written out).
  assert.equal(
    bytes.indexOf(Buffer.from('example')),
    bytes.lastIndexOf(Buffer.from('example')),
    'example written once',
  );
  assert.notEqual(bytes.indexOf(Buffer.from('EXAMPLE')), -1);
  const uncompressed = 12 + (13 + 4) + 2 * (13 + 10 + 2 + 17);
  assert.ok(bytes.length < uncompressed - 30, `${bytes.length} bytes, uncompressed ${uncompressed}`);
  const decoded = decodeMessage(bytes);
  assert.deepEqual(
    decoded.answers.map((a) => rdataText(a.data)),
    ['10 mx1.example.com', '20 mx2.EXAMPLE.com'],
  );
});

test('TXT values longer than 255 bytes are split into character-strings, never inside a character', () => {
  const long = 'a'.repeat(600);
  assert.deepEqual(
    splitCharacterStrings(long).map((s) => s.length),
    [255, 255, 90],
  );
  const accents = 'é'.repeat(200); // 400 bytes in UTF-8
  const parts = splitCharacterStrings(accents);
  assert.deepEqual(
    parts.map((p) => Buffer.byteLength(p)),
    [254, 146],
  );
  assert.equal(parts.join(''), accents);
  const decoded = decodeMessage(
    encodeMessage(response([rr('example.com', RRType.TXT, { kind: 'TXT', texts: [long] })])),
  );
  assert.deepEqual(decoded.answers[0]!.data, { kind: 'TXT', texts: splitCharacterStrings(long) });
});

test('names: escapes, limits, trailing dot', () => {
  assert.deepEqual(nameToLabels('example.com.').map(String), ['example', 'com']);
  assert.deepEqual(nameToLabels('a\\.b.c').map(String), ['a.b', 'c']);
  assert.deepEqual(nameToLabels('\\065.c').map(String), ['A', 'c']);
  assert.deepEqual(nameToLabels(''), []);
  assert.throws(() => nameToLabels(`${'a'.repeat(64)}.com`), DnsWireError);
  assert.throws(() => nameToLabels('a..com'), DnsWireError);
  const long = Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.');
  assert.throws(() => nameToLabels(long), /255/);
  // A label read off the wire with a dot in it comes back escaped and writes back the same.
  const odd = Buffer.concat([header(1), question(Buffer.from([3, 0x61, 0x2e, 0x62, 0]))]);
  const decoded = decodeMessage(odd);
  assert.equal(decoded.questions[0]!.name, 'a\\.b');
  assert.deepEqual(encodeMessage(decoded), odd);
});

test('IPv6 text and reverse names', () => {
  assert.equal(ipv6Text(ipv6Bytes('2001:0db8:0:0:0:0:0:0025')), '2001:db8::25');
  assert.equal(ipv6Text(ipv6Bytes('::1')), '::1');
  assert.equal(ipv6Text(ipv6Bytes('::ffff:127.0.0.1')), '::ffff:7f00:1');
  assert.equal(reverseName('127.0.0.1'), '1.0.0.127.in-addr.arpa');
  assert.equal(reverseName('::ffff:192.0.2.5'), '5.2.0.192.in-addr.arpa');
  assert.equal(reverseName('2001:db8::25'), `5.2.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`);
  assert.equal(reverseName('not-an-ip'), undefined);
});

test('malformed packets fail with DnsWireError, never another error', () => {
  const name = Buffer.from([7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0]);
  const cases: Array<[string, Buffer]> = [
    ['truncated header', Buffer.from([0, 1, 1, 0, 0])],
    ['question count larger than the questions', Buffer.concat([header(2), question(name)])],
    ['answer count with no answer', Buffer.concat([header(1, 1), question(name)])],
    ['bytes after the last record', Buffer.concat([header(1), question(name), Buffer.from([0])])],
    ['pointer to itself', Buffer.concat([header(1), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
    ['pointer loop', Buffer.concat([header(1), Buffer.from([1, 0x61, 0xc0, 12, 0, 1, 0, 1])])],
    ['forward pointer', Buffer.concat([header(1), Buffer.from([0xc0, 20, 0, 1, 0, 1, 0, 0])])],
    [
      'label of 64 bytes (0x40 type bits)',
      Buffer.concat([header(1), Buffer.from([64]), Buffer.alloc(64, 0x61), Buffer.from([0, 0, 1, 0, 1])]),
    ],
    ['label running past the end', Buffer.concat([header(1), Buffer.from([40, 0x61, 0x62])])],
    ['name without its end', Buffer.concat([header(1), Buffer.from([1, 0x61])])],
    ['pointer cut in half', Buffer.concat([header(1), Buffer.from([0xc0])])],
    [
      'name over 255 bytes',
      Buffer.concat([
        header(1),
        ...Array.from({ length: 5 }, () => Buffer.from([60, ...Buffer.alloc(60, 0x61)])),
        Buffer.from([0, 0, 1, 0, 1]),
      ]),
    ],
    [
      'A record of 3 bytes',
      Buffer.concat([header(1, 1), question(name), Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 1, 2, 3])]),
    ],
    [
      'RDLENGTH past the end',
      Buffer.concat([header(1, 1), question(name), Buffer.from([0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 200, 4])]),
    ],
    [
      'TXT string past RDLENGTH',
      Buffer.concat([header(1, 1), question(name), Buffer.from([0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 2, 5, 0x61])]),
    ],
    [
      'MX name past RDLENGTH',
      Buffer.concat([
        header(1, 1),
        question(name),
        Buffer.from([0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 3, 0, 10, 0xc0, 12]),
      ]),
    ],
  ];
  for (const [what, packet] of cases) {
    assert.throws(() => decodeMessage(packet), DnsWireError, what);
  }
});

test('random garbage never throws anything but DnsWireError', () => {
  const good = encodeMessage(
    response([rr('example.com', RRType.MX, { kind: 'MX', preference: 10, exchange: 'mx1.example.com' })]),
  );
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 5000; i++) {
    const packet = Buffer.from(good);
    for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--)
      packet[Math.floor(random() * packet.length)] = Math.floor(random() * 256);
    const cut = packet.subarray(0, random() < 0.3 ? Math.floor(random() * packet.length) : packet.length);
    try {
      decodeMessage(cut);
    } catch (err) {
      assert.ok(err instanceof DnsWireError, `packet ${cut.toString('hex')}: ${String(err)}`);
    }
  }
});

test('an answer too big for the limit is cut to header + question + OPT with TC=1', () => {
  const opt: ResourceRecord = {
    name: '',
    type: RRType.OPT,
    class: 1232,
    ttl: 0,
    data: { kind: 'OPT', options: Buffer.alloc(0) },
  };
  const big = response([rr('example.com', RRType.TXT, { kind: 'TXT', texts: ['z'.repeat(700)] })], [opt]);
  const cut = encodeWithLimit(big, 512);
  assert.equal(cut.truncated, true);
  assert.ok(cut.bytes.length <= 512);
  const decoded = decodeMessage(cut.bytes);
  assert.equal(decoded.header.tc, true);
  assert.deepEqual(decoded.answers, []);
  assert.equal(decoded.questions.length, 1);
  assert.equal(decoded.additional[0]?.type, RRType.OPT);
  const whole = encodeWithLimit(big, 1232);
  assert.equal(whole.truncated, false);
  assert.equal(decodeMessage(whole.bytes).header.tc, false);
});
