import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeQuotedPrintable } from '../../server/verdict/virus.js';
import { cleanMessage, field, judgeWith } from './verdict-fixture.js';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

const head =
  'From: erin@example.com\r\nTo: bob@siroe.example\r\nSubject: files\r\nDate: Sat, 28 Nov 2026 11:00:00 +0000\r\n' +
  'Message-ID: <v@example.com>\r\nMIME-Version: 1.0\r\n';

/** Quoted-printable that splits the signature with a soft break and escapes every "=" candidate. */
function qp(text: string): string {
  const escaped = [...text].map((c) =>
    c === '$' || c === '%' || c === '!' ? `=${c.charCodeAt(0).toString(16).toUpperCase()}` : c,
  );
  const joined = escaped.join('');
  return `${joined.slice(0, 30)}=\r\n${joined.slice(30)}`;
}

function attachmentMessage(content: string, encoding: 'base64' | 'quoted-printable', nestedIn?: string): Buffer {
  const inner =
    `--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n` +
    `--b\r\nContent-Type: application/octet-stream; name="eicar.com"\r\n` +
    `Content-Disposition: attachment; filename="eicar.com"\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n` +
    `${content}\r\n--b--\r\n`;
  const body = `${head}Content-Type: multipart/mixed; boundary=b\r\n\r\n${inner}`;
  if (!nestedIn) return Buffer.from(body);
  return Buffer.from(
    `${head}Content-Type: multipart/mixed; boundary=${nestedIn}\r\n\r\n--${nestedIn}\r\nContent-Type: text/plain\r\n\r\nFwd\r\n` +
      `--${nestedIn}\r\nContent-Type: message/rfc822\r\n\r\n${body}\r\n--${nestedIn}--\r\n`,
  );
}

describe('virus check (EICAR)', () => {
  test('EICAR in the plain text is found; the default lab action holds it', async () => {
    const v = await judgeWith(cleanMessage({ body: EICAR }));
    assert.equal(v.virus, 'infected');
    assert.deepEqual(v.reasons, ['EICAR-Test-File']);
    assert.equal(v.action, 'hold');
    assert.deepEqual(v.hold, { reason: 'virus found (EICAR-Test-File)' });
    assert.equal(field(v.headerFields, 'X-Virus-Status'), 'Infected (EICAR-Test-File)');
    assert.equal(field(v.headerFields, 'X-Mailscope-Verdict'), 'hold');
  });

  test('EICAR in a base64 attachment is found after decoding, at any line split', async () => {
    const b64 = Buffer.from(EICAR).toString('base64');
    assert.ok(!attachmentMessage(b64, 'base64').includes(EICAR), 'the raw bytes do not show it');
    for (const wrapped of [b64, b64.replace(/(.{20})/g, '$1\r\n')]) {
      const v = await judgeWith(attachmentMessage(wrapped, 'base64'));
      assert.equal(v.virus, 'infected');
    }
    // Shifted by one byte, the base64 text shares nothing with the aligned form.
    const shifted = Buffer.concat([Buffer.from('x'), Buffer.from(EICAR)]).toString('base64');
    assert.equal((await judgeWith(attachmentMessage(shifted, 'base64'))).virus, 'infected');
  });

  test('EICAR in quoted-printable (a text part and an attachment) is found', async () => {
    const encoded = qp(EICAR);
    assert.ok(!encoded.includes(EICAR));
    const textPart = Buffer.from(
      `${head}Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encoded}\r\n`,
    );
    assert.equal((await judgeWith(textPart)).virus, 'infected');
    assert.equal((await judgeWith(attachmentMessage(encoded, 'quoted-printable'))).virus, 'infected');
  });

  test('EICAR inside a forwarded message (message/rfc822) is found', async () => {
    const raw = attachmentMessage(Buffer.from(EICAR).toString('base64'), 'base64', 'outer');
    assert.equal((await judgeWith(raw)).virus, 'infected');
  });

  test('a base64 attachment in unreadable MIME is still decoded and scanned', async () => {
    // An unterminated multipart with a garbage boundary: the scanner falls back to decoding runs.
    const b64 = Buffer.from(EICAR)
      .toString('base64')
      .replace(/(.{40})/g, '$1\r\n');
    const v = await judgeWith(Buffer.from(`Content-Type: multipart/mixed; boundary="\r\n\r\n--\r\n\r\n${b64}\r\n`));
    assert.equal(v.virus, 'infected');
  });

  test('base64 in unreadable MIME: EICAR at each alignment, with LF or CRLF line ends, is found', async () => {
    for (const shift of [0, 1, 2, 3]) {
      for (const eol of ['\r\n', '\n']) {
        const b64 = Buffer.concat([Buffer.alloc(shift, 0x41), Buffer.from(EICAR)])
          .toString('base64')
          .replace(/(.{76})/g, `$1${eol}`);
        const raw = Buffer.from(`Content-Type: multipart/mixed; boundary="${eol}${eol}--${eol}${eol}${b64}${eol}`);
        assert.equal((await judgeWith(raw)).virus, 'infected', `shift ${shift}, ${JSON.stringify(eol)}`);
      }
    }
    // Two encoded parts back to back, the first ending in padding: each is decoded on its own.
    const padded = Buffer.from('ab').toString('base64');
    const raw = Buffer.from(
      `Content-Type: multipart/mixed; boundary="\r\n\r\n--\r\n\r\n${padded}\r\n${Buffer.from(EICAR).toString('base64')}\r\n`,
    );
    assert.equal((await judgeWith(raw)).virus, 'infected');
  });

  test('base64 text in a message that is one plain text part is text: it is not decoded', async () => {
    const b64 = Buffer.from(EICAR).toString('base64');
    const plain = Buffer.from(`Subject: a pasted blob\r\nContent-Type: text/plain\r\n\r\n${b64}\r\n`);
    assert.equal((await judgeWith(plain)).virus, 'clean');
    const declared = Buffer.from(
      `Subject: an attachment\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`,
    );
    assert.equal((await judgeWith(declared)).virus, 'infected', 'the same text declared as base64 is decoded');
  });

  test('a message that only looks like one plain part is still searched: MIME fields twice, or in the body', async () => {
    const b64 = Buffer.from(EICAR).toString('base64');
    const cases: Record<string, string> = {
      'two Content-Type fields':
        `Subject: x\r\nContent-Type: text/plain\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n` +
        `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b--\r\n`,
      'two Content-Transfer-Encoding fields': `Subject: x\r\nContent-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`,
      'a plain-text bounce quoting an encoded part':
        `Subject: Undelivered Mail Returned to Sender\r\nContent-Type: text/plain\r\n\r\n` +
        `This is the mail system.\r\n\r\n--- original part ---\r\nCoNtEnT-TrAnSfEr-EnCoDiNg: base64\r\n\r\n${b64}\r\n`,
    };
    for (const [name, raw] of Object.entries(cases)) {
      assert.equal((await judgeWith(Buffer.from(raw))).virus, 'infected', name);
    }
  });

  test('clean attachments are clean; an almost-EICAR is not EICAR', async () => {
    const v = await judgeWith(attachmentMessage(Buffer.from('%PDF-1.4 nothing to see').toString('base64'), 'base64'));
    assert.equal(v.virus, 'clean');
    assert.equal((await judgeWith(cleanMessage({ body: EICAR.replace('EICAR', 'EICAX') }))).virus, 'clean');
  });

  test('virusAction reject refuses with 554 5.7.1 and names the signature', async () => {
    const v = await judgeWith(cleanMessage({ body: EICAR }), { settings: { virusAction: 'reject' } });
    assert.equal(v.action, 'reject');
    assert.equal(v.refusal?.code, 554);
    assert.equal(v.refusal?.enhanced, '5.7.1');
    assert.match(v.refusal?.publicText ?? '', /EICAR-Test-File/);
  });

  test('quoted-printable decoding follows RFC 2045 (soft breaks, =XX, a lone "=")', () => {
    assert.equal(decodeQuotedPrintable('a=3Db=\r\nc = d=4').toString('latin1'), 'a=bc = d=4');
  });
});
