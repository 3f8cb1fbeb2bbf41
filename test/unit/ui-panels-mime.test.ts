/** The inspector's MIME splitter and Received: parser, on hand-made and nodemailer-built messages. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import {
  MIME_LIMITS,
  bytesToBinary,
  decodeEncodedWords,
  decodeQuotedPrintable,
  parseHeaderBlock,
  parseStructured,
  splitMultipart,
} from '../../renderer/src/panels/inspector/mime.js';
import { parseMessage } from '../../renderer/src/panels/inspector/parse-message.js';
import { hostKey, parseReceived, stripComments } from '../../renderer/src/panels/inspector/received.js';

const binary = (text: string) => bytesToBinary(new TextEncoder().encode(text));

describe('MIME splitter', () => {
  test('header fields are unfolded, kept in order, and encoded words decoded', () => {
    const fields = parseHeaderBlock(
      'Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n =?UTF-8?Q?_aus_K=C3=B6ln?=\r\nX-Long: one\r\n\ttwo\r\nnot a field\r\nFrom: "A" <a@x>',
    );
    assert.deepEqual(
      fields.map((f) => f.name),
      ['Subject', 'X-Long', 'From'],
    );
    assert.equal(fields[0]!.value, 'Grüße aus Köln', 'adjacent encoded words join without the space between them');
    assert.equal(fields[1]!.raw, 'one\ttwo');
    assert.equal(decodeEncodedWords('=?iso-8859-1?q?caf=E9?= ok'), 'café ok');
    assert.equal(decodeEncodedWords('=?x-unknown?B?aGk=?='), 'hi', 'an unknown charset falls back to UTF-8');
  });

  test('parameters: quoted values, RFC 2231 continuations and charsets', () => {
    assert.deepEqual(parseStructured('multipart/mixed; boundary="a;b"; X=1'), {
      value: 'multipart/mixed',
      params: { boundary: 'a;b', x: '1' },
    });
    const r = parseStructured("attachment; filename*0*=UTF-8''r%C3%A9sum; filename*1*=%C3%A9.pdf");
    assert.equal(r.value, 'attachment');
    assert.equal(r.params.filename, 'résumé.pdf');
  });

  test('quoted-printable: soft breaks and =XX', () => {
    assert.equal(decodeQuotedPrintable('a=3Db =\r\nc  \r\nd'), 'a=b c\r\nd');
  });

  test('multipart bodies split at delimiter lines only, preamble and epilogue dropped', () => {
    const body = 'preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--bx not me\r\n--b\r\n\r\ntwo\r\n--b--\r\nepilogue';
    assert.deepEqual(splitMultipart(body, 'b'), ['A: 1\r\n\r\none\r\n--bx not me', '\r\ntwo']);
  });

  test('a nodemailer message: text, HTML and an attachment with its name, type and size', async () => {
    const raw = await new MailComposer({
      from: 'alice@siroe.example',
      to: 'bob@siroe.example',
      subject: 'Café ☕ report',
      text: 'Grüße, Bob',
      html: '<p>Grüße, <b>Bob</b></p>',
      attachments: [
        { filename: 'données.bin', content: Buffer.alloc(3000, 7), contentType: 'application/octet-stream' },
      ],
    })
      .compile()
      .build();
    const parsed = parseMessage(bytesToBinary(raw));
    assert.equal(parsed.headers.find((h) => h.name === 'Subject')!.value, 'Café ☕ report');
    assert.equal(parsed.root.contentType, 'multipart/mixed');
    assert.equal(parsed.text?.trim(), 'Grüße, Bob');
    assert.equal(parsed.html?.trim(), '<p>Grüße, <b>Bob</b></p>');
    assert.deepEqual(parsed.attachments, [
      { filename: 'données.bin', contentType: 'application/octet-stream', sizeBytes: 3000 },
    ]);
    assert.equal(parsed.truncated, false);
  });

  test('charsets per part: a Latin-1 body stays readable', () => {
    const raw = 'Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\xe9\r\n';
    assert.equal(parseMessage(raw).text, 'café\r\n');
  });

  test('broken input never throws: no blank line, no boundary, unterminated multipart', () => {
    assert.equal(parseMessage('Subject: only headers').headers[0]!.value, 'only headers');
    assert.equal(parseMessage('').text, '');
    const noBoundary = parseMessage('Content-Type: multipart/mixed\r\n\r\nbody');
    assert.equal(noBoundary.text, undefined);
    const open = parseMessage(binary('Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\nhello'));
    assert.equal(open.text, 'hello');
  });

  test('nesting and part count are bounded', () => {
    let raw = 'text';
    for (let i = 0; i < MIME_LIMITS.depth + 5; i++) {
      raw = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${raw}\r\n--b${i}--\r\n`;
    }
    assert.equal(parseMessage(raw).truncated, true);
    const many = Array.from({ length: MIME_LIMITS.parts + 50 }, () => '--m\r\n\r\nx\r\n').join('');
    const wide = parseMessage(`Content-Type: multipart/mixed; boundary=m\r\n\r\n${many}--m--\r\n`);
    assert.equal(wide.truncated, true);
    assert.ok(wide.root.children.length < MIME_LIMITS.parts);
  });
});

describe('Received: lines', () => {
  test('the clauses of the MTA and the store, comments removed, the date after the last ;', () => {
    const r = parseReceived(
      'from compose.mailscope.invalid (unknown [127.0.0.1]) (authenticated as alice@siroe.example) by mta.siroe.example (Mailscope) with ESMTPSA id msg_abc for <bob@siroe.example>; Sat, 28 Nov 2026 17:12:14 +0000',
    );
    assert.deepEqual(r, {
      from: 'compose.mailscope.invalid',
      by: 'mta.siroe.example',
      with: 'ESMTPSA',
      id: 'msg_abc',
      for: 'bob@siroe.example',
      date: 'Sat, 28 Nov 2026 17:12:14 +0000',
    });
    assert.equal(stripComments('a (b (c) d) e (f \\) g) h'), 'a  e  h');
    assert.equal(hostKey('MTA.Siroe.Example.'), 'mta.siroe.example');
    assert.equal(hostKey('[127.0.0.1]'), '127.0.0.1');
    assert.deepEqual(parseReceived('garbage'), {});
  });
});
