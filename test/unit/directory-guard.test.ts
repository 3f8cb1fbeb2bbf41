import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BerCursor, decodeInteger, encodeBer, encodeResult, searchEntryElement } from '../../server/directory/ber.js';
import { noticeOfDisconnection } from '../../server/directory/connection-guard.js';
import { LdapFramer } from '../../server/directory/ldap-framer.js';
import { preflight } from '../../server/directory/preflight.js';

/** One element with `content` as it is: requests built byte by byte. */
const tlv = (tag: number, content: Buffer) => encodeBer({ tag, bytes: content });

/** LDAPMessage { messageID, protocolOp } from raw parts. */
function message(id: number, op: Buffer): Buffer {
  return tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([id])), op]));
}

const octets = (s: string) => tlv(0x04, Buffer.from(s, 'utf8'));

function searchRequest(id: number, base: string): Buffer {
  const body = Buffer.concat([
    octets(base),
    tlv(0x0a, Buffer.from([2])), // scope sub
    tlv(0x0a, Buffer.from([0])), // derefAliases
    tlv(0x02, Buffer.from([0])), // sizeLimit
    tlv(0x02, Buffer.from([0])), // timeLimit
    tlv(0x01, Buffer.from([0])), // typesOnly
    tlv(0x87, Buffer.from('objectClass')), // (objectClass=*)
    tlv(0x30, Buffer.alloc(0)),
  ]);
  return message(id, tlv(0x63, body));
}

function replyOf(result: ReturnType<typeof preflight>): Buffer {
  assert.equal(result?.kind, 'reply');
  return (result as { bytes: Buffer }).bytes;
}

/** Decode an LDAPMessage carrying an LDAPResult. */
function readResult(buf: Buffer) {
  const fields = new BerCursor(buf).next().cursor;
  const messageId = decodeInteger(fields.next().content);
  const op = fields.next();
  const result = op.cursor;
  const code = result.next().content[0];
  const matchedDn = result.next().content.toString();
  const diagnostic = result.next().content.toString();
  return { messageId, tag: op.tag, code, matchedDn, diagnostic };
}

test('the framer returns whole messages however the bytes arrive', () => {
  const a = searchRequest(1, 'o=siroe.example');
  const b = searchRequest(2, 'ou=People,o=siroe.example');
  const stream = Buffer.concat([a, b]);
  const framer = new LdapFramer(1024);
  const seen: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 3) {
    const { messages, problem } = framer.push(stream.subarray(i, i + 3));
    assert.equal(problem, undefined);
    seen.push(...messages);
  }
  assert.deepEqual(seen, [a, b]);
  assert.deepEqual(new LdapFramer(1024).push(stream).messages, [a, b]);
});

test('the framer refuses an oversized message from its header alone', () => {
  // Claims 16 MiB; only the 6 header bytes are sent.
  const header = Buffer.from([0x30, 0x84, 0x01, 0x00, 0x00, 0x00]);
  const { messages, problem } = new LdapFramer(256 * 1024).push(header);
  assert.deepEqual(messages, []);
  assert.match(problem!, /16777216 bytes exceeds the limit of 262144/);
  assert.match(new LdapFramer(10).push(Buffer.from('GET / HTTP/1.1\r\n')).problem!, /not an LDAP message/);
  assert.match(new LdapFramer(10).push(Buffer.from([0x30, 0x80])).problem!, /indefinite/);
});

test('preflight answers a search with an invalid base DN with invalidDNSyntax', () => {
  assert.equal(preflight(searchRequest(7, 'o=siroe.example')), undefined);
  const reply = readResult(replyOf(preflight(searchRequest(7, 'garbage'))));
  assert.equal(reply.messageId, 7);
  assert.equal(reply.tag, 0x65);
  assert.equal(reply.code, 34);
  assert.match(reply.diagnostic, /invalid DN/);
});

test('preflight answers a SASL bind with authMethodNotSupported and spots anonymous binds', () => {
  const sasl = tlv(0xa3, octets('PLAIN'));
  const bind = message(3, tlv(0x60, Buffer.concat([tlv(0x02, Buffer.from([3])), octets(''), sasl])));
  const reply = readResult(replyOf(preflight(bind)));
  assert.deepEqual([reply.messageId, reply.tag, reply.code], [3, 0x61, 7]);
  const simple = message(
    4,
    tlv(0x60, Buffer.concat([tlv(0x02, Buffer.from([3])), octets('uid=a,o=x'), tlv(0x80, Buffer.from('pw'))])),
  );
  assert.equal(preflight(simple), undefined);
  const anonymous = message(
    5,
    tlv(0x60, Buffer.concat([tlv(0x02, Buffer.from([3])), octets(''), tlv(0x80, Buffer.alloc(0))])),
  );
  assert.deepEqual(preflight(anonymous), { kind: 'anonymous-bind' });
  assert.equal(preflight(Buffer.from([0x30, 0x01, 0xff])), undefined, 'garbage is left to the parser');
});

test('a Notice of Disconnection is an ExtendedResponse with messageID 0 and the notice OID', () => {
  const notice = noticeOfDisconnection(2, 'too big');
  const reply = readResult(notice);
  assert.deepEqual([reply.messageId, reply.tag, reply.code, reply.diagnostic], [0, 0x78, 2, 'too big']);
  assert.ok(notice.includes(Buffer.from('1.3.6.1.4.1.1466.20036')));
});

test('BER lengths and integers are encoded in their long forms when needed', () => {
  const long = encodeResult({ messageId: 300, responseTag: 0x65, resultCode: 0, diagnosticMessage: 'x'.repeat(300) });
  const reply = readResult(long);
  assert.equal(reply.messageId, 300);
  assert.equal(reply.diagnostic.length, 300);
  assert.equal(decodeInteger(Buffer.from([0x00, 0x80])), 128);
  const entry = encodeBer(searchEntryElement(200, 'uid=bob,o=x', [{ type: 'cn', values: ['Bob', 'Robert'] }]));
  const fields = new BerCursor(entry).next().cursor;
  assert.equal(decodeInteger(fields.next().content), 200);
  const body = fields.next();
  assert.equal(body.tag, 0x64);
  assert.equal(body.cursor.next().content.toString(), 'uid=bob,o=x');
});
