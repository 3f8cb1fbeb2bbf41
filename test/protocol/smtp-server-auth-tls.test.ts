import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import {
  b64,
  goodAuth,
  greeted,
  makeTlsPems,
  onAuth,
  Raw,
  startServer,
  type TlsPems,
} from '../helpers/smtp-server-fixture.js';

let tlsPems: TlsPems;
before(async () => {
  tlsPems = await makeTlsPems();
});

// ---------- real clients ----------------------------------------------------------------

describe('SmtpServer with nodemailer', () => {
  test('delivers a message without AUTH', async (t) => {
    const { port, received } = await startServer(t);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    t.after(() => transport.close());
    const info = await transport.sendMail({
      from: 'erin@example.com',
      to: 'bob@siroe.example',
      subject: 'Hi',
      text: 'Hello Bob',
    });
    assert.match(info.response, /^250 2\.0\.0 Ok: queued as Q1/);
    assert.equal(received.length, 1);
    assert.equal(received[0]!.from, 'erin@example.com');
    assert.deepEqual(received[0]!.to, ['bob@siroe.example']);
    assert.match(received[0]!.message.toString(), /Subject: Hi\r\n[\s\S]*Hello Bob/);
    assert.equal(received[0]!.transmissionType, 'ESMTP');
  });

  test('partial refusal reaches nodemailer as rejected recipients', async (t) => {
    const { port } = await startServer(t);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    t.after(() => transport.close());
    const info = await transport.sendMail({
      from: 'a@siroe.example',
      to: ['bob@siroe.example', 'x@elsewhere.example'],
      text: 'x',
    });
    assert.deepEqual(info.accepted, ['bob@siroe.example']);
    assert.deepEqual(info.rejected, ['x@elsewhere.example']);
  });

  test('AUTH with good and bad credentials', async (t) => {
    const { port, received } = await startServer(t, { auth: { ...goodAuth()!, required: true } }, { onAuth });
    const good = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      auth: { user: 'alice', pass: 'alice' },
    });
    const bad = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      auth: { user: 'alice', pass: 'wrong' },
    });
    t.after(() => {
      good.close();
      bad.close();
    });
    await good.sendMail({ from: 'alice@siroe.example', to: 'bob@siroe.example', text: 'authed' });
    assert.equal(received[0]!.user, 'alice@siroe.example');
    assert.equal(received[0]!.transmissionType, 'ESMTPA');
    await assert.rejects(
      bad.sendMail({ from: 'alice@siroe.example', to: 'bob@siroe.example', text: 'x' }),
      (err: Error & { responseCode?: number }) => {
        assert.equal(err.responseCode, 535);
        return true;
      },
    );
    assert.equal(received.length, 1);
  });

  test('STARTTLS with a self-signed certificate, then AUTH', async (t) => {
    const { port, received, tracer } = await startServer(
      t,
      { tls: tlsPems, auth: { methods: ['PLAIN', 'LOGIN'], required: true, allowInsecure: () => false } },
      { onAuth },
    );
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'alice', pass: 'alice' },
    });
    t.after(() => transport.close());
    await transport.sendMail({ from: 'alice@siroe.example', to: 'carol@siroe.example', text: 'secret' });
    assert.equal(received[0]!.secure, true);
    assert.equal(received[0]!.transmissionType, 'ESMTPSA');
    const tlsEvent = tracer.ofKind('tls.started')[0];
    assert.ok(tlsEvent?.data.cipher, 'cipher reported');
  });
});

// ---------- raw protocol ----------------------------------------------------------------

describe('SmtpServer AUTH', () => {
  test('PLAIN with initial response and with a 334 continuation; LOGIN', async (t) => {
    const { port } = await startServer(t, { auth: goodAuth() }, { onAuth });
    for (const steps of [
      [[`AUTH PLAIN ${b64('\0alice\0alice')}`, 235]],
      [
        ['AUTH PLAIN', 334],
        [b64('\0alice\0alice'), 235],
      ],
      [
        ['AUTH LOGIN', 334],
        [b64('alice'), 334],
        [b64('alice'), 235],
      ],
      [
        [`AUTH LOGIN ${b64('alice')}`, 334],
        [b64('alice'), 235],
      ],
    ] as Array<Array<[string, number]>>) {
      const raw = await greeted(port);
      for (const [line, code] of steps) {
        raw.send(line);
        const reply = await raw.expect(code);
        if (code === 334 && line === 'AUTH LOGIN') assert.equal(reply.lines[0], 'VXNlcm5hbWU6');
      }
      raw.send(`AUTH PLAIN ${b64('\0alice\0alice')}`);
      await raw.expect(503, '5.5.1');
      raw.close();
    }
  });

  test('bad password 535, cancel 501 5.0.0, bad base64 501 5.5.2, unknown mechanism 504', async (t) => {
    const { port, tracer } = await startServer(t, { auth: goodAuth() }, { onAuth });
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send(`AUTH PLAIN ${b64('\0alice\0wrong')}`);
    await raw.expect(535, '5.7.8');
    raw.send('AUTH LOGIN');
    await raw.expect(334);
    raw.send('*');
    await raw.expect(501, '5.0.0');
    raw.send('AUTH PLAIN', '!!!notbase64');
    await raw.expect(334);
    await raw.expect(501, '5.5.2');
    raw.send('AUTH CRAM-MD5');
    await raw.expect(504, '5.5.4');
    const failed = tracer.ofKind('auth.failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.data.user, 'alice');
  });

  test('AUTH is refused before TLS for an address not allowed in the clear', async (t) => {
    const { port } = await startServer(
      t,
      { tls: tlsPems, auth: { methods: ['PLAIN'], required: true, allowInsecure: () => false } },
      { onAuth },
    );
    const raw = await Raw.connect(port);
    t.after(() => raw.close());
    await raw.expect(220);
    raw.send('EHLO c.example');
    const ehlo = await raw.expect(250);
    assert.ok(!ehlo.lines.some((l) => l.startsWith('AUTH')), 'AUTH not advertised');
    raw.send(`AUTH PLAIN ${b64('\0alice\0alice')}`, 'MAIL FROM:<alice@siroe.example>');
    await raw.expect(538, '5.7.11');
    await raw.expect(530, '5.7.0');
    raw.send('STARTTLS');
    await raw.expect(220, '2.0.0');
    await raw.startTls();
    raw.send('EHLO c.example');
    assert.ok((await raw.expect(250)).lines.includes('AUTH PLAIN'));
    raw.send(`AUTH PLAIN ${b64('\0alice\0alice')}`, 'MAIL FROM:<alice@siroe.example>', 'STARTTLS');
    await raw.expect(235);
    await raw.expect(250);
    await raw.expect(503);
  });

  test('AUTH without auth configured is 503', async (t) => {
    const { port } = await startServer(t);
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send(`AUTH PLAIN ${b64('\0alice\0alice')}`, 'STARTTLS');
    await raw.expect(503, '5.5.1');
    await raw.expect(502, '5.5.1');
  });
});

describe('SmtpServer STARTTLS', () => {
  test('commands pipelined after STARTTLS are discarded (CVE-2011-0411)', async (t) => {
    const { port, tracer, received } = await startServer(t, { tls: tlsPems });
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.write('STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n');
    await raw.expect(220, '2.0.0');
    await raw.startTls();
    raw.send('RCPT TO:<bob@siroe.example>');
    await raw.expect(503, '5.5.1'); // session was reset: EHLO first, and no MAIL survived
    raw.send(
      'EHLO c.example',
      'RCPT TO:<bob@siroe.example>',
      'MAIL FROM:<ok@example.org>',
      'RCPT TO:<bob@siroe.example>',
      'DATA',
    );
    const ehlo = await raw.expect(250);
    assert.ok(!ehlo.lines.includes('STARTTLS'), 'STARTTLS no longer offered');
    await raw.expect(503, '5.5.1');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('tls body', '.');
    await raw.expect(250);
    assert.equal(received[0]!.transmissionType, 'ESMTPS');
    const verbs = tracer.ofKind('smtp.command').map((e) => `${e.data.verb} ${e.data.args}`);
    assert.ok(!verbs.some((v) => v.includes('evil')), 'the injected command never ran');
    raw.send('STARTTLS');
    await raw.expect(503, '5.5.1');
  });
});
