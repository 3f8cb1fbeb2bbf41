import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONTENT_RULES } from '../../server/verdict/content-rules.js';
import { parseMessageView } from '../../server/verdict/message-view.js';
import { evaluateRules } from '../../server/verdict/rules.js';
import { RECEIVED_AT, cleanMessage, field, judgeWith } from './verdict-fixture.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

async function firedOn(raw: Buffer): Promise<string[]> {
  const view = await parseMessageView(raw);
  return evaluateRules(CONTENT_RULES, { view, receivedAt: RECEIVED_AT }).map((r) => r.name);
}

describe('built-in spam rules', () => {
  test('a clean message scores 0, is delivered, and says so in X-Spam-Status', async () => {
    const v = await judgeWith(cleanMessage());
    assert.equal(v.spam, 'clean');
    assert.equal(v.virus, 'clean');
    assert.equal(v.score, 0);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.action, 'deliver');
    assert.equal(v.engine, 'Mailscope built-in rules');
    assert.equal(field(v.headerFields, 'X-Spam-Status'), 'No, score=0.0 required=5.0 tests=none');
    assert.equal(field(v.headerFields, 'X-Mailscope-Verdict'), 'deliver');
    assert.equal(field(v.headerFields, 'X-Spam-Flag'), undefined);
    assert.equal(field(v.headerFields, 'X-Virus-Status'), 'Clean');
    assert.equal(v.hold, undefined);
    assert.equal(v.refusal, undefined);
  });

  test('GTUBE scores 1000 and is spam, with the rule explained', async () => {
    const v = await judgeWith(cleanMessage({ body: `Test\r\n${GTUBE}\r\n` }));
    assert.equal(v.spam, 'spam');
    assert.equal(v.score, 1000);
    assert.deepEqual(v.rules, [
      {
        name: 'GTUBE',
        score: 1000,
        description: 'Contains GTUBE, the standard test string every spam filter must call spam',
      },
    ]);
    assert.equal(field(v.headerFields, 'X-Spam-Status'), 'Yes, score=1000.0 required=5.0 tests=GTUBE');
    assert.equal(field(v.headerFields, 'X-Spam-Flag'), 'YES');
  });

  test('header rules: missing Date, Message-ID, From, Subject; Date in the future; all-caps subject', async () => {
    const bare = Buffer.from('To: bob@siroe.example\r\n\r\nhello\r\n');
    assert.deepEqual(await firedOn(bare), ['MISSING_FROM', 'MISSING_DATE', 'MISSING_MID', 'MISSING_SUBJECT']);
    const future = cleanMessage({ extraHeaders: [] }).toString().replace('28 Nov 2026', '30 Nov 2026');
    assert.deepEqual(await firedOn(Buffer.from(future)), ['DATE_IN_FUTURE']);
    assert.deepEqual(await firedOn(cleanMessage({ subject: 'YOU HAVE WON A PRIZE' })), ['SUBJ_ALL_CAPS']);
    assert.deepEqual(await firedOn(cleanMessage({ subject: 'OK' })), [], 'a short capital subject is fine');
  });

  test('sender tricks: a display name with another domain, Reply-To elsewhere', async () => {
    const spoof = cleanMessage().toString().replace('From: Erin <', 'From: "service@paypal.com" <');
    assert.deepEqual(await firedOn(Buffer.from(spoof)), ['FROM_DISPLAY_ADDR_MISMATCH']);
    const sameDomain = cleanMessage().toString().replace('From: Erin <', 'From: "erin@example.com" <');
    assert.deepEqual(await firedOn(Buffer.from(sameDomain)), []);
    assert.deepEqual(await firedOn(cleanMessage({ extraHeaders: ['Reply-To: collect@example.net'] })), [
      'REPLYTO_DIFFERS',
    ]);
  });

  test('body rules: money, urgency, phishing words, exclamation marks, links to raw IPs', async () => {
    const body = (text: string) => firedOn(cleanMessage({ body: text }));
    assert.deepEqual(await body('You inherit $12,500,000 from a distant cousin.'), ['LOTS_OF_MONEY']);
    assert.deepEqual(await body('A share of 4.5 million dollars awaits.'), ['LOTS_OF_MONEY']);
    assert.deepEqual(await body('Act now, this offer ends soon.'), ['URGENT_WORDS']);
    assert.deepEqual(await body('Please verify your account here.'), ['ACCOUNT_PHISH']);
    assert.deepEqual(await body('Wow!!! Amazing'), ['EXCESSIVE_EXCLAMATION']);
    assert.deepEqual(await body('Log in at http://192.0.2.7/login today.'), ['URI_RAW_IP']);
    assert.deepEqual(await body('See https://www.example.com/ and 10.0.0.1 in the docs.'), []);
  });

  test('HTML only (no text part) fires HTML_ONLY, and its words are still read', async () => {
    const html = Buffer.from(
      'From: a@example.com\r\nTo: b@siroe.example\r\nSubject: Offer\r\nDate: Sat, 28 Nov 2026 11:00:00 +0000\r\n' +
        'Message-ID: <h@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' +
        '<html><body><p>Please <b>verify your account</b> <a href="http://198.51.100.4/x">here</a></p></body></html>\r\n',
    );
    assert.deepEqual(await firedOn(html), ['HTML_ONLY', 'ACCOUNT_PHISH', 'URI_RAW_IP']);
  });

  test('a typical phishing mail adds up past the threshold; the reasons name every rule', async () => {
    const raw = Buffer.from(
      'From: "security@bank.example" <alerts@evil.example>\r\nTo: bob@siroe.example\r\n' +
        'Subject: URGENT ACCOUNT NOTICE\r\nContent-Type: text/plain\r\n\r\n' +
        'Your account has been suspended!!! Act now: http://203.0.113.9/bank\r\n',
    );
    const v = await judgeWith(raw);
    assert.equal(v.spam, 'spam');
    assert.deepEqual(v.reasons, [
      'MISSING_DATE',
      'MISSING_MID',
      'SUBJ_ALL_CAPS',
      'FROM_DISPLAY_ADDR_MISMATCH',
      'URGENT_WORDS',
      'ACCOUNT_PHISH',
      'EXCESSIVE_EXCLAMATION',
      'URI_RAW_IP',
    ]);
    assert.equal(v.score, 10.5);
    assert.equal(v.action, 'junk');
    assert.equal(field(v.headerFields, 'X-Mailscope-Verdict'), 'junk');
  });

  test('broken MIME never throws: each odd message gets a verdict', async () => {
    const odd = [
      Buffer.alloc(0),
      Buffer.from('no header block at all, just words'),
      Buffer.from('Content-Type: multipart/mixed; boundary="\r\n\r\n--\r\n\x00\xff garbage ==?=\r\n'),
      Buffer.from(
        'Subject: =?utf-8?B?####?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n' +
          'Content-Transfer-Encoding: base64\r\nContent-Type: application/pdf\r\n\r\n!!!not base64@@@\r\n',
      ),
      Buffer.from('Date: not a date\r\nFrom: <<<>>>\r\nReply-To: ,,,\r\n\r\nbody'),
      Buffer.from(
        `Content-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n'.repeat(200)}`,
      ),
      Buffer.from(new Uint8Array(4096).map((_, i) => (i * 7919) % 256)),
    ];
    for (const raw of odd) {
      const v = await judgeWith(raw);
      assert.ok(['clean', 'spam'].includes(v.spam));
      assert.ok(v.headerFields.some((f) => f.startsWith('X-Spam-Status: ')));
    }
  });
});
