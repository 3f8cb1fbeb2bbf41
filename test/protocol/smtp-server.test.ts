import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { before, describe, test, type TestContext } from 'node:test';
import nodemailer from 'nodemailer';
import { generate } from 'selfsigned';
import type { TraceEvent } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { SmtpServer } from '../../server/mta/smtp/server.js';
import type { SmtpHooks, SmtpServerOptions } from '../../server/mta/smtp/types.js';

// ---------- helpers -------------------------------------------------------------------

interface Reply {
  code: number;
  lines: string[];
  raw: string;
}

/** A raw SMTP client: writes what the test says, hands back replies one by one. */
class Raw {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private readonly waiters: Array<(reply: Reply | undefined) => void> = [];
  private gone = false;
  closed!: Promise<void>;

  private constructor(public socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number): Promise<Raw> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    return new Raw(socket);
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete reply; fails the test if the server hangs up first. */
  async next(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return ready;
    const reply = this.gone ? undefined : await new Promise<Reply | undefined>((r) => this.waiters.push(r));
    assert.ok(reply, 'server closed the connection before replying');
    return reply;
  }

  async expect(code: number, enhanced?: string): Promise<Reply> {
    const reply = await this.next();
    assert.equal(reply.code, code, reply.raw);
    if (enhanced) assert.ok(reply.lines[0]!.startsWith(`${enhanced} `), reply.raw);
    return reply;
  }

  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    this.socket = secure;
    this.listen(secure);
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(socket: Socket): void {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.gone = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    });
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let lf: number;
      let lines: string[] = [];
      while ((lf = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, lf);
        this.buffer = this.buffer.slice(lf + 2);
        lines.push(line);
        if (/^\d{3}(?: |$)/.test(line)) {
          const reply = { code: Number(line.slice(0, 3)), lines: lines.map((l) => l.slice(4)), raw: lines.join('\n') };
          lines = [];
          const waiter = this.waiters.shift();
          if (waiter) waiter(reply);
          else this.replies.push(reply);
        }
      }
      if (lines.length > 0) this.buffer = lines.map((l) => `${l}\r\n`).join('') + this.buffer;
    });
  }
}

/** Resolves with the first session.closed event, now or when it is emitted. */
function sessionClosed(tracer: MemoryTracer): Promise<TraceEvent<'session.closed'>> {
  const seen = tracer.ofKind('session.closed')[0];
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const stop = tracer.subscribe((e) => {
      if (e.kind !== 'session.closed') return;
      stop();
      resolve(e);
    });
  });
}

interface Received {
  message: Buffer;
  from: string;
  to: string[];
  transmissionType: string;
  secure: boolean;
  user?: string;
  reverseName?: string;
}

const refuse = (address: string): MailError =>
  new MailError({
    code: 550,
    enhanced: '5.1.1',
    publicText: `<${address}>: Recipient address rejected`,
    component: 'test',
  });

/** Starts a server with simple hooks: *@siroe.example is local, everything else refused. */
async function startServer(t: TestContext, options: Partial<SmtpServerOptions> = {}, hooks: Partial<SmtpHooks> = {}) {
  const tracer = new MemoryTracer(new WorldClock());
  const received: Received[] = [];
  const server = new SmtpServer({
    mode: 'smtp',
    protocol: 'smtp',
    hostname: 'mta.siroe.example',
    node: 'mta',
    tracer,
    greetingDelayMs: 0,
    maxMessageSizeBytes: 10_000,
    maxRecipients: 5,
    ...options,
    hooks: {
      onRcptTo: async (_s, to) => {
        if (!/@siroe\.example$/i.test(to.address)) throw refuse(to.address);
      },
      onData: async (session, message) => {
        received.push({
          message,
          from: session.envelope.mailFrom!.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          transmissionType: session.transmissionType,
          secure: session.secure,
          user: session.user,
          reverseName: session.reverseName,
        });
        return { queueId: `Q${received.length}` };
      },
      ...hooks,
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { server, port, tracer, received };
}

async function greeted(port: number, hello = 'EHLO client.example'): Promise<Raw> {
  const raw = await Raw.connect(port);
  await raw.expect(220);
  if (hello) {
    raw.send(hello);
    await raw.expect(250);
  }
  return raw;
}

const goodAuth = (): SmtpServerOptions['auth'] => ({
  methods: ['PLAIN', 'LOGIN'],
  required: false,
  allowInsecure: () => true,
});
const onAuth: SmtpHooks['onAuth'] = async (_s, c) => {
  if (c.username === 'alice' && c.password === 'alice') return { user: 'alice@siroe.example' };
  throw new MailError({
    code: 535,
    enhanced: '5.7.8',
    publicText: 'Authentication credentials invalid',
    component: 'test',
  });
};
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

let tlsPems: { key: string; cert: string };
before(async () => {
  const pems = await generate([{ name: 'commonName', value: 'mta.siroe.example' }], { keyType: 'ec' });
  tlsPems = { key: pems.private, cert: pems.cert };
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

describe('SmtpServer LMTP', () => {
  test('one reply per accepted recipient after the final dot', async (t) => {
    const { port } = await startServer(
      t,
      { mode: 'lmtp', protocol: 'lmtp', auth: goodAuth() },
      {
        onData: async (session) => ({
          recipients: session.envelope.rcptTo.map((r) =>
            r.address.startsWith('full')
              ? { code: 452, enhanced: '4.2.2', text: 'Mailbox full' }
              : { code: 250, enhanced: '2.1.5', text: `<${r.address}> delivered` },
          ),
        }),
      },
    );
    const raw = await Raw.connect(port);
    t.after(() => raw.close());
    const greeting = await raw.expect(220);
    assert.equal(greeting.lines[0], 'mta.siroe.example LMTP Mailscope');
    raw.send('EHLO c.example', 'LHLO c.example');
    await raw.expect(500, '5.5.1');
    const lhlo = await raw.expect(250);
    assert.ok(!lhlo.lines.some((l) => l.startsWith('AUTH')), 'no AUTH in LMTP');
    raw.send(
      'MAIL FROM:<a@example.com>',
      'RCPT TO:<bob@siroe.example>',
      'RCPT TO:<nobody@example.org>',
      'RCPT TO:<full@siroe.example>',
      'DATA',
    );
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(550);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('hello', '.');
    const first = await raw.expect(250, '2.1.5');
    assert.match(first.raw, /bob@siroe\.example/);
    await raw.expect(452, '4.2.2');
  });

  test('a failing onData is repeated for each recipient', async (t) => {
    const { port } = await startServer(
      t,
      { mode: 'lmtp', protocol: 'lmtp' },
      {
        onData: async () => {
          throw new Error('disk on fire');
        },
      },
    );
    const raw = await greeted(port, 'LHLO c.example');
    t.after(() => raw.close());
    raw.send('MAIL FROM:<>', 'RCPT TO:<a@siroe.example>', 'RCPT TO:<b@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('x', '.');
    await raw.expect(451, '4.3.0');
    await raw.expect(451, '4.3.0');
  });
});

describe('SmtpServer trace', () => {
  test('one session in order, AUTH redacted', async (t) => {
    const { port, tracer } = await startServer(t, { auth: goodAuth() }, { onAuth });
    const raw = await greeted(port);
    raw.send('AUTH LOGIN');
    await raw.expect(334);
    raw.send(b64('alice'));
    await raw.expect(334);
    raw.send(b64('alice'));
    await raw.expect(235);
    raw.send('MAIL FROM:<alice@siroe.example>', 'RCPT TO:<bob@siroe.example>', 'DATA');
    await raw.expect(250);
    await raw.expect(250);
    await raw.expect(354);
    raw.send('body line', '.', 'QUIT');
    await raw.expect(250);
    await raw.expect(221);
    await raw.closed;
    await sessionClosed(tracer);
    const story = tracer.events.map((e) => {
      const d = e.data as Record<string, unknown>;
      if (e.kind === 'smtp.command') return ['C', d.verb, d.args].filter(Boolean).join(' ');
      if (e.kind === 'smtp.reply') return `S ${d.code}`;
      return e.kind;
    });
    assert.deepEqual(story, [
      'session.opened',
      'S 220',
      'C EHLO client.example',
      'S 250',
      'C AUTH LOGIN',
      'S 334',
      'C ***',
      'S 334',
      'C ***',
      'S 235',
      'auth.succeeded',
      'C MAIL FROM:<alice@siroe.example>',
      'S 250',
      'C RCPT TO:<bob@siroe.example>',
      'S 250',
      'C DATA',
      'S 354',
      'S 250',
      'C QUIT',
      'S 221',
      'session.closed',
    ]);
    const all = JSON.stringify(tracer.events);
    assert.ok(!all.includes(b64('alice')), 'no credentials in the trace');
    assert.ok(tracer.events.every((e) => e.node === 'mta' && (e.data as { sessionId?: string }).sessionId === 'smtp1'));
    assert.equal(tracer.ofKind('session.closed')[0]!.data.reason, 'quit');
    assert.equal(tracer.ofKind('auth.succeeded')[0]!.data.user, 'alice@siroe.example');
  });

  test('AUTH PLAIN initial response shows as "PLAIN ***"; traceCommands false keeps only session facts', async (t) => {
    const { port, tracer } = await startServer(t, { auth: goodAuth() }, { onAuth });
    const raw = await greeted(port);
    raw.send(`AUTH PLAIN ${b64('\0alice\0alice')}`);
    await raw.expect(235);
    raw.close();
    assert.ok(tracer.ofKind('smtp.command').some((e) => e.data.verb === 'AUTH' && e.data.args === 'PLAIN ***'));

    const quiet = await startServer(t, { traceCommands: false });
    const q = await greeted(quiet.port);
    q.send('QUIT');
    await q.expect(221);
    await sessionClosed(quiet.tracer);
    assert.deepEqual(quiet.tracer.kinds(), ['session.opened', 'session.closed']);
  });
});
