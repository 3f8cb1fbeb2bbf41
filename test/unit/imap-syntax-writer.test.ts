import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  atom,
  decodeMailboxName,
  encodeContinuation,
  encodeFetchResponse,
  encodeFlags,
  encodeList,
  encodeMailboxName,
  encodeStatus,
  encodeString,
  encodeUntagged,
  encodeValue,
  formatInternalDate,
  parseInternalDate,
} from '../../server/store/imap/syntax/response-writer.js';
import { ImapSyntaxError } from '../../server/store/imap/syntax/types.js';

const s = (b: Buffer): string => b.toString('utf8');

test('strings are quoted when possible, literals otherwise', () => {
  assert.equal(s(encodeString('INBOX')), '"INBOX"');
  assert.equal(s(encodeString('say "hi" \\ bye')), '"say \\"hi\\" \\\\ bye"');
  assert.equal(s(encodeString('two\r\nlines')), '{10}\r\ntwo\r\nlines');
  assert.equal(s(encodeString('Grüße')), '{7}\r\nGrüße');
  assert.equal(s(encodeString('Grüße', { utf8: true })), '"Grüße"');
  assert.equal(s(encodeString('')), '""');
  assert.equal(s(encodeValue(null)), 'NIL');
  assert.equal(s(encodeValue(42)), '42');
  assert.equal(s(encodeList(['a', null, [1, atom('\\Seen')]])), '("a" NIL (1 \\Seen))');
  assert.equal(s(encodeFlags(['\\Seen', '$Label1'])), '(\\Seen $Label1)');
  assert.equal(s(encodeFlags([])), '()');
});

test('FETCH responses carry body parts as literals, byte for byte', () => {
  const header = Buffer.from('From: a@example.test\r\nSubject: \xe4\r\n\r\n', 'latin1');
  const out = encodeFetchResponse(12, [
    ['UID', 3],
    ['FLAGS', [atom('\\Seen')]],
    ['INTERNALDATE', formatInternalDate(new Date(Date.UTC(1996, 6, 17, 9, 44, 25)), -420)],
    ['BODY[HEADER]', header],
  ]);
  const expected = Buffer.concat([
    Buffer.from(
      `* 12 FETCH (UID 3 FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" BODY[HEADER] {${header.length}}\r\n`,
    ),
    header,
    Buffer.from(')\r\n'),
  ]);
  assert.deepEqual(out, expected);
});

test('status lines, continuation and untagged data', () => {
  assert.equal(s(encodeStatus('a1', 'NO', 'Too big', 'TOOBIG')), 'a1 NO [TOOBIG] Too big\r\n');
  assert.equal(s(encodeStatus('*', 'BAD', 'bad\r\ninjected')), '* BAD bad injected\r\n');
  assert.equal(s(encodeContinuation()), '+ Ready for literal data\r\n');
  assert.equal(
    s(encodeUntagged('LIST', [[atom('\\HasNoChildren')], '/', 'INBOX'])),
    '* LIST (\\HasNoChildren) "/" "INBOX"\r\n',
  );
  assert.equal(s(encodeUntagged('5 EXISTS')), '* 5 EXISTS\r\n');
});

test('internal dates format with the zone and a space-padded day, and parse back', () => {
  const d = new Date(Date.UTC(1996, 6, 17, 9, 44, 25));
  assert.equal(formatInternalDate(d, -420), '17-Jul-1996 02:44:25 -0700');
  assert.equal(formatInternalDate(d), '17-Jul-1996 09:44:25 +0000');
  assert.equal(formatInternalDate(new Date(Date.UTC(2024, 0, 7, 23, 30, 0)), 90), ' 8-Jan-2024 01:00:00 +0130');
  assert.equal(parseInternalDate('17-Jul-1996 02:44:25 -0700').getTime(), d.getTime());
  assert.equal(parseInternalDate(' 8-Jan-2024 01:00:00 +0130').toISOString(), '2024-01-07T23:30:00.000Z');
  for (const bad of ['17-Jux-1996 02:44:25 -0700', '17-Jul-1996 02:44:25', '17-Jul-1996 25:00:00 +0000']) {
    assert.throws(() => parseInternalDate(bad), ImapSyntaxError, bad);
  }
});

test('modified UTF-7 mailbox names round-trip', () => {
  const cases: Array<[string, string]> = [
    ['Entwürfe', 'Entw&APw-rfe'],
    ['&', '&-'],
    ['Tom & Jerry', 'Tom &- Jerry'],
    ['INBOX', 'INBOX'],
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Gelöschte Elemente', 'Gel&APY-schte Elemente'],
    ['😀', '&2D3eAA-'],
  ];
  for (const [plain, encoded] of cases) {
    assert.equal(encodeMailboxName(plain), encoded, plain);
    assert.equal(decodeMailboxName(encoded), plain, encoded);
  }
  for (const bad of ['&Jjo', '&AB*-', 'a\u00e9', '&APw']) {
    assert.throws(() => decodeMailboxName(bad), ImapSyntaxError, bad);
  }
});
