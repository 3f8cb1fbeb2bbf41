import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { MailError } from '../../server/core/mail-error.js';
import {
  goodAuth,
  greeted,
  makeTlsPems,
  onAuth,
  Raw,
  sessionClosed,
  startServer,
  type TlsPems,
} from '../helpers/smtp-server-fixture.js';

let tlsPems: TlsPems;
before(async () => {
  tlsPems = await makeTlsPems();
});

describe('SmtpServer greeting and session', () => {
  test('greets at once when the delay is 0 (no hidden pause)', async (t) => {
    const { port } = await startServer(t);
    const started = performance.now();
    const raw = await Raw.connect(port);
    t.after(() => raw.close());
    const greeting = await raw.expect(220);
    assert.equal(greeting.lines[0], 'mta.siroe.example ESMTP Mailscope');
    assert.ok(performance.now() - started < 80, 'greeting arrived without a pause');
  });

  test('greets after the delay when the client waits', async (t) => {
    const { port } = await startServer(t, { greetingDelayMs: 150 });
    const started = performance.now();
    const raw = await Raw.connect(port);
    t.after(() => raw.close());
    await raw.expect(220);
    assert.ok(performance.now() - started >= 140);
  });

  test('refuses an early talker with 554 5.5.0 and closes', async (t) => {
    const { port, tracer } = await startServer(t, { greetingDelayMs: 5000 });
    const raw = await Raw.connect(port);
    raw.send('EHLO spambot.example');
    const reply = await raw.expect(554, '5.5.0');
    assert.match(reply.raw, /talked before the greeting/);
    await raw.closed;
    assert.equal((await sessionClosed(tracer)).data.reason, 'error');
  });

  test('onConnect may refuse the connection; reverse lookup result is kept', async (t) => {
    const { port } = await startServer(
      t,
      { reverseLookup: async (ip) => (ip === '127.0.0.1' ? 'localhost.siroe.example' : undefined) },
      {
        onConnect: async (session) => {
          if (session.reverseName === 'localhost.siroe.example') {
            throw new MailError({
              code: 554,
              enhanced: '5.7.1',
              publicText: 'No SMTP service here',
              component: 'test',
            });
          }
        },
      },
    );
    const raw = await Raw.connect(port);
    await raw.expect(554, '5.7.1');
    await raw.closed;
  });

  test('a hanging reverse lookup is capped and the session still works', async (t) => {
    const { port, received } = await startServer(t, { reverseLookup: async () => 'mx.example.net' });
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send('MAIL FROM:<a@example.net>', 'RCPT TO:<bob@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('x', '.');
    await raw.expect(250);
    assert.equal(received[0]!.reverseName, 'mx.example.net');
  });

  test('EHLO lists the extensions; HELO is plain; STARTTLS and AUTH only when set', async (t) => {
    const { port } = await startServer(t, { tls: tlsPems, auth: goodAuth() }, { onAuth });
    const raw = await Raw.connect(port);
    t.after(() => raw.close());
    await raw.expect(220);
    raw.send('EHLO client.example');
    const ehlo = await raw.expect(250);
    assert.deepEqual(ehlo.lines, [
      'mta.siroe.example',
      'PIPELINING',
      'SIZE 10000',
      '8BITMIME',
      'SMTPUTF8',
      'ENHANCEDSTATUSCODES',
      'DSN',
      'STARTTLS',
      'AUTH PLAIN LOGIN',
    ]);
    raw.send('HELO client.example');
    assert.deepEqual((await raw.expect(250)).lines, ['mta.siroe.example']);
    raw.send('VRFY bob', 'HELP', 'NOOP whatever', 'RSET');
    await raw.expect(252, '2.5.2');
    await raw.expect(214);
    await raw.expect(250, '2.0.0');
    await raw.expect(250, '2.0.0');
    raw.send('QUIT');
    await raw.expect(221, '2.0.0');
    await raw.closed;
  });

  test('pipelined MAIL/RCPT/RCPT/DATA get their replies in order', async (t) => {
    const { port, received } = await startServer(t);
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send('MAIL FROM:<erin@example.com>', 'RCPT TO:<bob@siroe.example>', 'RCPT TO:<zed@example.org>', 'DATA');
    await raw.expect(250, '2.1.0');
    await raw.expect(250, '2.1.5');
    await raw.expect(550, '5.1.1');
    await raw.expect(354);
    raw.write('Subject: pipelined\r\n\r\n..dot line\r\n.\r\nMAIL FROM:<x@example.com>\r\n');
    const done = await raw.expect(250, '2.0.0');
    assert.match(done.raw, /queued as Q1/);
    await raw.expect(250, '2.1.0');
    assert.equal(received[0]!.message.toString(), 'Subject: pipelined\r\n\r\n.dot line\r\n');
    assert.deepEqual(received[0]!.to, ['bob@siroe.example']);
  });

  test('unknown commands, wrong order and bad syntax', async (t) => {
    const { port } = await startServer(t);
    const raw = await greeted(port, '');
    t.after(() => raw.close());
    raw.send('MAIL FROM:<a@siroe.example>');
    await raw.expect(503, '5.5.1');
    raw.send('EHLO c.example', 'XYZZY', 'RCPT TO:<bob@siroe.example>', 'DATA', 'EHLO');
    await raw.expect(250);
    await raw.expect(500, '5.5.1');
    await raw.expect(503, '5.5.1');
    await raw.expect(503, '5.5.1');
    await raw.expect(501, '5.5.4');
    raw.send(
      'MAIL FROM:<a@siroe.example> FOO=1',
      'MAIL FROM:<a@@x>',
      'MAIL FROM:<a@siroe.example>',
      'MAIL FROM:<b@siroe.example>',
    );
    await raw.expect(555, '5.5.4');
    await raw.expect(501, '5.1.7');
    await raw.expect(250);
    await raw.expect(503, '5.5.1');
    raw.send('RCPT TO:<>', 'RCPT TO:<Postmaster>', 'DATA extra');
    await raw.expect(501, '5.1.3');
    await raw.expect(550);
    await raw.expect(501, '5.5.4');
  });

  test('DATA without accepted recipients: 554 5.5.1', async (t) => {
    const { port } = await startServer(t);
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send('MAIL FROM:<a@siroe.example>', 'DATA', 'RCPT TO:<x@example.org>', 'DATA');
    await raw.expect(250);
    await raw.expect(503, '5.5.1');
    await raw.expect(550);
    await raw.expect(554, '5.5.1');
  });

  test('too many recipients: 452 4.5.3', async (t) => {
    const { port } = await startServer(t, { maxRecipients: 2 });
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send(
      'MAIL FROM:<a@siroe.example>',
      'RCPT TO:<a@siroe.example>',
      'RCPT TO:<b@siroe.example>',
      'RCPT TO:<c@siroe.example>',
    );
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(452, '4.5.3');
  });

  test('too many errors: 421 4.7.0 and the connection closes', async (t) => {
    const { port } = await startServer(t);
    const raw = await greeted(port);
    for (let i = 0; i < 10; i++) raw.send(`BOGUS${i}`);
    for (let i = 0; i < 10; i++) await raw.expect(500);
    await raw.expect(421, '4.7.0');
    await raw.closed;
  });

  test('line too long: 500 5.5.2, the rest of the line is dropped, session usable', async (t) => {
    const { port } = await startServer(t);
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.write(`NOOP ${'a'.repeat(5000)}\r\nNOOP\r\n`);
    await raw.expect(500, '5.5.2');
    await raw.expect(250);
    // A megabyte without a line end, in pieces: one complaint, bounded memory, still alive.
    for (let i = 0; i < 16; i++) raw.write('b'.repeat(64 * 1024));
    raw.write('\r\nNOOP\r\n');
    await raw.expect(500, '5.5.2');
    await raw.expect(250);
  });

  test('a client that pipelines without reading gets every reply, in order, once it reads', async (t) => {
    const { port } = await startServer(t);
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.socket.pause();
    const count = 20_000; // about 360 KiB of replies: well past the socket buffers
    raw.write('NOOP\r\n'.repeat(count - 1) + 'QUIT\r\n');
    raw.socket.resume();
    for (let i = 0; i < count - 1; i++) {
      const reply = await raw.next();
      if (reply.code !== 250) assert.fail(`reply ${i}: ${reply.raw}`);
    }
    await raw.expect(221);
    await raw.closed;
  });

  test('oversize message: 552 5.3.4, then the session is still usable', async (t) => {
    const { port, received } = await startServer(t, { maxMessageSizeBytes: 1000 });
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send('MAIL FROM:<a@siroe.example> SIZE=5000');
    await raw.expect(552, '5.3.4');
    raw.send('MAIL FROM:<a@siroe.example>', 'RCPT TO:<bob@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.write(`${'y'.repeat(98)}\r\n`.repeat(50) + '.\r\n');
    await raw.expect(552, '5.3.4');
    assert.equal(received.length, 0);
    raw.send('MAIL FROM:<a@siroe.example>', 'RCPT TO:<bob@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('small', '.');
    await raw.expect(250);
    assert.equal(received[0]!.message.toString(), 'small\r\n');
  });

  test('8BITMIME body bytes arrive unchanged; SMTPUTF8 addresses need the parameter', async (t) => {
    const { port, received } = await startServer(t);
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send('MAIL FROM:<a@siroe.example>', 'RCPT TO:<用户@siroe.example>');
    await raw.expect(250);
    await raw.expect(553, '5.6.7');
    raw.send('RSET', 'MAIL FROM:<用户@siroe.example>');
    await raw.expect(250);
    await raw.expect(553, '5.6.7');
    raw.send('MAIL FROM:<a@siroe.example> BODY=8BITMIME SMTPUTF8', 'RCPT TO:<用户@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    const body = Buffer.concat([
      Buffer.from('Subject: caf\xc3\xa9\r\n\r\n', 'latin1'),
      Buffer.from([0xe2, 0x82, 0xac, 0xff, 0x80]),
      Buffer.from('\r\n'),
    ]);
    raw.write(Buffer.concat([body, Buffer.from('.\r\n')]));
    await raw.expect(250);
    assert.deepEqual(received[0]!.message, body);
    assert.deepEqual(received[0]!.to, ['用户@siroe.example']);
  });

  test('onData errors become the reply; the transaction is reset either way', async (t) => {
    const { port } = await startServer(
      t,
      {},
      {
        onData: async () => {
          throw new MailError({ code: 451, enhanced: '4.3.0', publicText: 'Queue is busy', component: 'test' });
        },
      },
    );
    const raw = await greeted(port);
    t.after(() => raw.close());
    raw.send('MAIL FROM:<a@siroe.example>', 'RCPT TO:<bob@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('x', '.', 'RCPT TO:<bob@siroe.example>');
    await raw.expect(451, '4.3.0');
    await raw.expect(503);
  });

  test('idle timeout: 421 4.4.2 and close with reason timeout', async (t) => {
    const { port, tracer } = await startServer(t, { idleTimeoutMs: 100 });
    const raw = await greeted(port);
    const reply = await raw.expect(421, '4.4.2');
    assert.match(reply.raw, /mta\.siroe\.example Error: timeout exceeded/);
    assert.equal((await sessionClosed(tracer)).data.reason, 'timeout');
  });

  test('close() says 421 4.3.2 to open sessions and waits for them', async (t) => {
    const { server, port, tracer } = await startServer(t);
    const raws = await Promise.all([greeted(port), greeted(port)]);
    assert.equal(server.connectionCount, 2);
    await server.close();
    for (const raw of raws) {
      await raw.expect(421, '4.3.2');
      await raw.closed;
    }
    assert.equal(server.connectionCount, 0);
    assert.deepEqual(
      tracer.ofKind('session.closed').map((e) => e.data.reason),
      ['shutdown', 'shutdown'],
    );
  });
});
