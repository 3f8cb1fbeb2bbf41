import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { createDkimSigner, type DkimSigner } from '../../server/verdict/dkim-signer.js';
import { FakeResolver, cleanMessage, field, judgeWith } from './verdict-fixture.js';

// SPF fails on purpose (the client is not in the record): DMARC can then pass only through DKIM.
const INBOUND = { ip: '127.0.0.1', helo: 'mx.siroe.example', mailFrom: 'alice@siroe.example' };

describe('DKIM signer and verification', () => {
  let dataDir: string;
  let signer: DkimSigner;
  let dns: FakeResolver;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
    signer = await createDkimSigner({ domain: 'siroe.example', selector: 'lab', dataDir });
    dns = new FakeResolver({
      'siroe.example': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] },
      '_dmarc.siroe.example': { TXT: [['v=DMARC1; p=reject']] },
      // A 2048-bit key does not fit one 255-byte string: published as several, as DNS requires.
      'lab._domainkey.siroe.example': { TXT: [signer.publicKeyTxtStrings()] },
    });
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const outgoing = () => cleanMessage({ from: 'alice@siroe.example', body: 'Minutes of the meeting attached.' });
  const verify = (raw: Buffer) =>
    judgeWith(raw, { resolver: dns, settings: { authFailAction: 'reject' }, input: { connection: INBOUND } });

  test('the key is RSA 2048 in <dataDir>/dkim/<domain>.<selector>.pem, private to us', () => {
    assert.equal(signer.keyFile, path.join(dataDir, 'dkim', 'siroe.example.lab.pem'));
    assert.match(fs.readFileSync(signer.keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(fs.statSync(signer.keyFile).mode & 0o777, 0o600);
    assert.match(signer.publicKeyTxt(), /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]{300,}={0,2}$/);
    assert.equal(signer.publicKeyTxtStrings().join(''), signer.publicKeyTxt());
    assert.ok(signer.publicKeyTxtStrings().every((s) => Buffer.byteLength(s) <= 255));
  });

  test('a signed message verifies: dkim=pass, and DMARC passes through DKIM alignment', async () => {
    const tracer = new MemoryTracer(new WorldClock());
    const signed = await signer.sign(outgoing(), { tracer, node: 'smarthost.siroe.example', queueId: 'msg_out' });
    assert.match(signed.toString(), /^DKIM-Signature: .*d=siroe\.example;/s);
    assert.deepEqual(tracer.ofKind('dkim.signed')[0]?.data, {
      queueId: 'msg_out',
      domain: 'siroe.example',
      selector: 'lab',
    });
    const v = await verify(signed);
    assert.equal(v.auth?.dkim, 'pass');
    assert.equal(v.auth?.spf, 'fail');
    assert.equal(v.auth?.dmarc, 'pass');
    assert.equal(v.action, 'deliver');
    assert.match(
      field(v.headerFields, 'Authentication-Results') ?? '',
      /dkim=pass header\.i=@siroe\.example header\.s=lab/,
    );
    assert.ok(dns.asked.some((q) => q.context.purpose === 'DKIM key lab._domainkey.siroe.example'));
  });

  test('a body changed after signing fails: DKIM_INVALID, DMARC fail, p=reject refuses', async () => {
    const signed = (await signer.sign(outgoing())).toString();
    const tampered = Buffer.from(signed.replace('Minutes of the meeting', 'Pay the invoice to IBAN XX00'));
    const v = await verify(tampered);
    // mailauth's word for a body-hash mismatch is "neutral"; the header says why.
    assert.equal(v.auth?.dkim, 'neutral');
    assert.match(field(v.headerFields, 'Authentication-Results') ?? '', /dkim=neutral \(body hash did not verify\)/);
    assert.equal(v.auth?.dmarc, 'fail');
    assert.ok(v.reasons.includes('DKIM_INVALID'));
    assert.equal(v.action, 'reject');
    assert.equal(v.refusal?.enhanced, '5.7.26');
  });

  test('a signed header changed after signing: dkim=fail (the signature does not verify)', async () => {
    const signed = (await signer.sign(outgoing())).toString();
    const v = await verify(Buffer.from(signed.replace('Subject: Lunch on Friday', 'Subject: Lunch on Monday')));
    assert.equal(v.auth?.dkim, 'fail');
    assert.equal(v.auth?.dmarc, 'fail');
    assert.ok(v.reasons.includes('DKIM_INVALID'));
  });

  test('a second signer on the same data folder reuses the key; a selector is never a path', async () => {
    const again = await createDkimSigner({ domain: 'SIROE.example', selector: 'lab', dataDir });
    assert.equal(again.publicKeyTxt(), signer.publicKeyTxt());
    await assert.rejects(createDkimSigner({ domain: 'siroe.example', selector: '../x', dataDir }), /selector/);
    await assert.rejects(createDkimSigner({ domain: '../../etc', selector: 'lab', dataDir }), /domain/);
  });
});
