import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { headerBlockLength, parseHeaderSummary } from '../../server/store/headers.js';
import { ALICE, openTempStore, type TempStore } from './store-fixture.js';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

test('RFC 2047 encoded-words in Subject and From are decoded (B, Q, other charsets, adjacent words)', () => {
  const summary = parseHeaderSummary(
    crlf(
      'From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>',
      'To: =?UTF-8?B?w4lsb2TDqWU=?= <elodee@example.com>',
      'Subject: =?UTF-8?B?R3LDvMOfZSBhdXM=?= =?UTF-8?Q?_M=C3=BCnchen?=',
      '',
      'body',
    ),
  );
  assert.equal(summary.subject, 'Grüße aus München');
  assert.equal(summary.from, 'André Pirard <PIRARD@vm1.ulg.ac.be>');
  assert.equal(summary.to, 'Élodée <elodee@example.com>');
});

test('folded headers are unfolded; field names are case-insensitive; the first field wins', () => {
  const summary = parseHeaderSummary(
    crlf(
      'Received: from client.example (client.example [192.0.2.1])',
      '\tby mta.siroe.example; Tue, 1 Jul 2003 10:52:37 +0200',
      'X-Subject: not the subject',
      'SUBJECT: a long subject',
      '\tthat goes on',
      '  and on',
      'subject: second subject is ignored',
      'message-id:',
      ' <folded@siroe.example> (comment)',
      'Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)',
      '',
      'Subject: not a header, this is the body',
    ),
  );
  assert.equal(summary.subject, 'a long subject that goes on  and on', 'CRLF removed, the tab shown as a space');
  assert.equal(summary.messageId, '<folded@siroe.example>');
  assert.equal(summary.date, Date.parse('2003-07-01T08:52:37Z'));
});

test('a folded unwanted field does not run on into the wanted field before it; long and colonless lines are skipped', () => {
  const summary = parseHeaderSummary(
    crlf(
      'Subject: a',
      'X-Foo: b',
      '\tc',
      `X-Long-Name-With-No-Colon ${'x'.repeat(5000)}`,
      'From : spaced <from@siroe.example>',
      'Message-ID:<m@siroe.example>',
      '',
      'body',
    ),
  );
  assert.equal(summary.subject, 'a');
  assert.equal(
    summary.from,
    'spaced <from@siroe.example>',
    'white space before the colon (obsolete syntax) is allowed',
  );
  assert.equal(summary.messageId, '<m@siroe.example>');
});

test('missing or broken headers give empty fields, never an error', () => {
  assert.deepEqual(parseHeaderSummary(Buffer.alloc(0)), { subject: '', from: '', to: '' });
  assert.deepEqual(parseHeaderSummary(crlf('', 'Subject: only a body')), { subject: '', from: '', to: '' });
  const broken = parseHeaderSummary(
    crlf(
      'From nobody Mon Jan  6 10:00:00 2025',
      'this line has no colon',
      ': no name',
      'Subject: survived',
      'Date: yesterday-ish',
    ),
  );
  assert.equal(broken.subject, 'survived', 'a header-only message (no blank line) still parses');
  assert.equal(broken.from, '', 'an mbox From_ line is not a From field');
  assert.equal(broken.date, undefined);
  assert.equal(parseHeaderSummary(crlf('Subject: =?x-unknown?Q?abc?=', '', '')).subject, 'abc', 'unknown charset');
  const lfOnly = parseHeaderSummary(Buffer.from('Subject: bare LF\nFrom: a@b\n\nbody\n'));
  assert.deepEqual([lfOnly.subject, lfOnly.from], ['bare LF', 'a@b']);
});

test('8-bit headers: raw UTF-8 is read as UTF-8, anything else as Latin-1', () => {
  const utf8 = parseHeaderSummary(Buffer.from('Subject: Привет, 世界\r\nFrom: Zoë <zoe@example.org>\r\n\r\n', 'utf8'));
  assert.equal(utf8.subject, 'Привет, 世界');
  assert.equal(utf8.from, 'Zoë <zoe@example.org>');
  const latin1 = parseHeaderSummary(Buffer.from('Subject: Caf\xe9 cr\xe8me\r\n\r\n', 'latin1'));
  assert.equal(latin1.subject, 'Café crème');
});

test('control characters are dropped and huge values are cut', () => {
  const summary = parseHeaderSummary(crlf(`Subject: a\x00b\x1bc ${'y'.repeat(10_000)}`, '', ''));
  assert.ok(summary.subject.startsWith('a b c '));
  assert.equal(summary.subject.length, 2000);
});

test('the header block ends at the first empty line and is bounded', () => {
  assert.equal(headerBlockLength(crlf('A: 1', 'B: 2', '', 'body')), 'A: 1\r\nB: 2\r\n'.length);
  assert.equal(headerBlockLength(Buffer.from('A: 1\n\nbody')), 5);
  assert.equal(headerBlockLength(Buffer.from('\r\nbody')), 0);
  assert.equal(headerBlockLength(Buffer.alloc(200_000, 0x61)), 64 * 1024);
});

const opened: TempStore[] = [];
after(() => opened.forEach((t) => t.cleanup()));

test('a message with garbage headers is stored and listed with empty fields', async () => {
  const t = openTempStore();
  opened.push(t);
  t.store.ensureUser(ALICE, 'alice');
  const raw = Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x3a, 0x3a, 0x0d, 0x0a, 0x0d, 0x0a, 0x41]);
  const result = await t.store.deliver({ address: ALICE, raw });
  assert.equal(result.messageId, undefined);
  const [summary] = t.store.listMessages(ALICE, 'INBOX');
  assert.deepEqual(
    [summary?.subject, summary?.from, summary?.to, summary?.date, summary?.sizeBytes],
    ['', '', '', undefined, raw.length],
  );
  assert.deepEqual(t.store.getMessage(ALICE, 'INBOX', result.uid)?.raw, raw);
});
