import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { buildDsn, statusOf } from '../../server/mta/dsn/build-dsn.js';

test('a bounce is a well-formed RFC 3464 multipart/report that mail readers parse', async () => {
  const original = Buffer.from(
    'From: alice@siroe.example\r\nSubject: Grüße\r\nMessage-ID: <m1@siroe.example>\r\n\r\nsecret body\r\n',
  );
  const dsn = buildDsn({
    reportingMta: 'mta.siroe.example',
    dsnQueueId: 'msg_dsn',
    originalQueueId: 'msg_orig',
    sender: 'alice@siroe.example',
    arrivalDate: Date.UTC(2026, 10, 28, 12),
    now: Date.UTC(2026, 10, 28, 13),
    original,
    recipients: [
      {
        address: 'carol@siroe.example',
        originalAddress: 'staff@siroe.example',
        status: '5.1.1',
        diagnostic: '550 5.1.1 no such user',
      },
    ],
  });
  const parsed = await simpleParser(dsn);
  assert.equal(parsed.subject, 'Undelivered Mail Returned to Sender');
  assert.match(
    String(parsed.headers.get('content-type') && (parsed.headers.get('content-type') as { value: string }).value),
    /multipart\/report/,
  );
  const text = dsn.toString('utf8');
  assert.match(text, /Final-Recipient: rfc822; carol@siroe\.example/);
  assert.match(text, /Original-Recipient: rfc822; staff@siroe\.example/);
  assert.match(text, /Action: failed\r\nStatus: 5\.1\.1/);
  assert.match(text, /Content-Type: text\/rfc822-headers/);
  assert.ok(dsn.includes(Buffer.from('Subject: Grüße')), 'original headers returned byte for byte');
  assert.doesNotMatch(text, /secret body/, 'the body is not sent back');
});

test('the Status field comes from the diagnostic or the reply code', () => {
  assert.equal(statusOf('5.1.1 no such user', 550), '5.1.1');
  assert.equal(statusOf('gave up after 8 attempts; last error: 4.4.1 connection refused', 451), '4.4.1');
  assert.equal(statusOf('something odd', 554), '5.0.0');
  assert.equal(statusOf('timeout', undefined), '4.4.7');
});
