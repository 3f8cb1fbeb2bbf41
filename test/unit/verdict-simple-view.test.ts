import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { simpleTextView } from '../../server/verdict/simple-view.js';

const samples = [
  'From: "Erin E." <Erin@Example.com>\r\nTo: bob@siroe.example\r\nSubject: =?UTF-8?B?SMOpbGxv?= there\r\n' +
    'Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <a@b>\r\nReply-To: other@example.net\r\n\r\nHello, world!\r\n',
  'From: frank@example.net\r\nSubject: 8-bit\r\nContent-Type: text/plain; charset=utf-8\r\n' +
    'Content-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n',
];

test('the fast path reads a plain text message as the MIME parser does', async () => {
  for (const text of samples) {
    const raw = Buffer.from(text, 'utf8');
    const fast = simpleTextView(raw)!;
    assert.ok(fast, 'taken');
    const full = await simpleParser(raw);
    assert.equal(fast.subject, full.subject);
    assert.equal(fast.from?.address, full.from?.value[0]?.address?.toLowerCase());
    assert.equal(fast.from?.name, full.from?.value[0]?.name);
    assert.equal(fast.replyTo?.address, full.replyTo?.value[0]?.address?.toLowerCase());
    assert.equal(fast.text.trim(), (full.text ?? '').trim());
    assert.equal(fast.date?.getTime(), full.date?.getTime());
    assert.ok(fast.headerNames.has('from'));
  }
});

test('anything but one plain 7bit/8bit UTF-8 or ASCII part goes to the MIME parser', () => {
  const headers = (extra: string) => Buffer.from(`From: a@b.example\r\n${extra}\r\n\r\nbody\r\n`);
  assert.equal(simpleTextView(headers('Content-Type: multipart/mixed; boundary=x')), undefined);
  assert.equal(simpleTextView(headers('Content-Type: text/html')), undefined);
  assert.equal(simpleTextView(headers('Content-Transfer-Encoding: base64')), undefined);
  assert.equal(simpleTextView(headers('Content-Type: text/plain; charset=iso-8859-1')), undefined);
  assert.ok(simpleTextView(headers('Content-Type: text/plain; charset="UTF-8"')));
});
