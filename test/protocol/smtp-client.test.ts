import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { before, describe, test, type TestContext } from 'node:test';
import { generate } from 'selfsigned';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { SmtpClient } from '../../server/mta/smtp/client.js';
import { SmtpServer } from '../../server/mta/smtp/server.js';
import type { SmtpHooks, SmtpServerOptions } from '../../server/mta/smtp/types.js';

interface Got {
  message: Buffer;
  from: string;
  to: string[];
  params: Record<string, string | true>;
  secure: boolean;
}

async function startServer(t: TestContext, options: Partial<SmtpServerOptions> = {}, hooks: Partial<SmtpHooks> = {}) {
  const tracer = new MemoryTracer(new WorldClock());
  const got: Got[] = [];
  const server = new SmtpServer({
    mode: 'smtp',
    protocol: 'smtp',
    hostname: 'mailboxa.siroe.example',
    node: 'mailboxa',
    tracer,
    greetingDelayMs: 0,
    maxMessageSizeBytes: 100_000,
    maxRecipients: 10,
    ...options,
    hooks: {
      onRcptTo: async (_s, to) => {
        if (!to.address.endsWith('@siroe.example')) {
          throw new MailError({ code: 550, enhanced: '5.1.1', publicText: 'No such user', component: 'test' });
        }
      },
      onData: async (session, message) => {
        const env = session.envelope;
        got.push({
          message,
          from: env.mailFrom!.address,
          to: env.rcptTo.map((r) => r.address),
          params: env.mailFrom!.params,
          secure: session.secure,
        });
        return { queueId: `Q${got.length}` };
      },
      ...hooks,
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { server, port, tracer, got };
}

/** A scripted fake server for behaviour our own server never shows. */
async function fakeServer(t: TestContext, onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return (server.address() as { port: number }).port;
}

/** Answers line by line like a minimal RFC 821 server: no PIPELINING, records what it saw. */
function stepServer(seen: string[]) {
  return (socket: Socket): void => {
    let inData = false;
    let buffer = '';
    socket.write('220 old.example SMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let lf: number;
      while ((lf = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, lf);
        buffer = buffer.slice(lf + 2);
        seen.push(line);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 accepted\r\n');
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250 old.example\r\n');
        else if (verb === 'MAIL' && line.includes('spam')) socket.write('550 5.7.1 refused\r\n');
        else if (verb === 'RCPT') socket.write(line.includes('bad') ? '550 no\r\n' : '250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  };
}

const message = (subject: string): Buffer => Buffer.from(`Subject: ${subject}\r\n\r\nbody of ${subject}\r\n`);

let tlsPems: { key: string; cert: string };
before(async () => {
  const pems = await generate([{ name: 'commonName', value: 'mailboxa.siroe.example' }], { keyType: 'ec' });
  tlsPems = { key: pems.private, cert: pems.cert };
});

describe('SmtpClient against SmtpServer', () => {
  test('SMTP: partial recipient rejection combines RCPT and DATA replies', async (t) => {
    const { port, got } = await startServer(t);
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'mta.siroe.example' });
    t.after(() => client.close());
    assert.match(client.greeting, /mailboxa\.siroe\.example ESMTP/);
    assert.ok(client.extensions.has('PIPELINING'));
    const result = await client.send(
      {
        from: 'erin@example.com',
        to: [{ address: 'bob@siroe.example', params: 'NOTIFY=FAILURE' }, { address: 'x@example.org' }],
      },
      message('one'),
    );
    assert.deepEqual(result.recipients, [
      { address: 'bob@siroe.example', code: 250, enhanced: '2.0.0', text: 'Ok: queued as Q1', accepted: true },
      { address: 'x@example.org', code: 550, enhanced: '5.1.1', text: 'No such user', accepted: false },
    ]);
    assert.deepEqual(result.dataReply, { code: 250, enhanced: '2.0.0', text: 'Ok: queued as Q1' });
    assert.deepEqual(got[0]!.to, ['bob@siroe.example']);
    assert.equal(got[0]!.params.SIZE, String(message('one').length));
    await client.quit();
    assert.equal(client.closed, true);
  });

  for (const chunking of [true, false]) {
    const how = chunking ? 'BDAT LAST (CHUNKING)' : 'DATA';
    test(`LMTP with ${how}: one outcome per recipient from the replies after the body`, async (t) => {
      const { port, tracer } = await startServer(
        t,
        { mode: 'lmtp', protocol: 'lmtp' },
        {
          onData: async (session, body) => {
            assert.equal(body.toString(), 'Subject: lmtp\r\n\r\n.leading dot kept\r\nbare LF line\r\n');
            return {
              recipients: session.envelope.rcptTo.map((r) =>
                r.address.startsWith('full')
                  ? { code: 452, enhanced: '4.2.2', text: 'Mailbox full' }
                  : { code: 250, enhanced: '2.1.5', text: 'Delivered' },
              ),
            };
          },
        },
      );
      const client = await SmtpClient.connect({
        host: '127.0.0.1',
        port,
        lmtp: true,
        clientHostname: 'mta.siroe.example',
        chunking,
      });
      t.after(() => client.close());
      const result = await client.send(
        {
          from: '',
          to: [
            { address: 'alice@siroe.example' },
            { address: 'nobody@example.org' },
            { address: 'full@siroe.example' },
          ],
        },
        Buffer.from('Subject: lmtp\r\n\r\n.leading dot kept\r\nbare LF line\n'),
      );
      assert.deepEqual(
        result.recipients.map((r) => [r.address, r.code, r.enhanced, r.accepted]),
        [
          ['alice@siroe.example', 250, '2.1.5', true],
          ['nobody@example.org', 550, '5.1.1', false],
          ['full@siroe.example', 452, '4.2.2', false],
        ],
      );
      assert.equal(result.dataReply, undefined);
      const verbs = tracer.ofKind('smtp.command').map((e) => e.data.verb);
      assert.deepEqual(verbs.slice(-5), ['MAIL', 'RCPT', 'RCPT', 'RCPT', chunking ? 'BDAT' : 'DATA']);
    });
  }

  test('LMTP with CHUNKING: no recipient taken, BDAT gets one refusal and the connection goes on', async (t) => {
    const stored: string[] = [];
    const { port } = await startServer(
      t,
      { mode: 'lmtp', protocol: 'lmtp' },
      {
        onData: async (session, body) => {
          stored.push(body.toString());
          return { recipients: session.envelope.rcptTo.map(() => ({ code: 250, enhanced: '2.1.5', text: 'Ok' })) };
        },
      },
    );
    const client = await SmtpClient.connect({
      host: '127.0.0.1',
      port,
      lmtp: true,
      clientHostname: 'mta.siroe.example',
    });
    t.after(() => client.close());
    const refused = await client.send({ from: '', to: [{ address: 'nobody@example.org' }] }, message('none'));
    assert.deepEqual(
      refused.recipients.map((r) => [r.code, r.accepted]),
      [[550, false]],
    );
    assert.equal(refused.dataReply?.code, 554);
    const next = await client.send({ from: '', to: [{ address: 'bob@siroe.example' }] }, message('next'));
    assert.equal(next.recipients[0]?.accepted, true);
    assert.deepEqual(stored, [message('next').toString()], 'only the second message reached the hooks');
  });

  test('reuses one connection for three messages, and recovers after a refused transaction', async (t) => {
    const { port, got, tracer } = await startServer(
      t,
      {},
      {
        onMailFrom: async (_s, from) => {
          if (from.address === 'spammer@example.net') {
            throw new MailError({ code: 550, enhanced: '5.7.1', publicText: 'Go away', component: 'test' });
          }
        },
      },
    );
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'mta.siroe.example' });
    t.after(() => client.close());
    for (const n of [1, 2]) {
      const r = await client.send(
        { from: 'a@siroe.example', to: [{ address: 'bob@siroe.example' }] },
        message(`m${n}`),
      );
      assert.equal(r.recipients[0]!.accepted, true);
    }
    const refused = await client.send(
      { from: 'spammer@example.net', to: [{ address: 'bob@siroe.example' }] },
      message('spam'),
    );
    assert.deepEqual(refused.recipients[0], {
      address: 'bob@siroe.example',
      code: 550,
      enhanced: '5.7.1',
      text: 'Go away',
      accepted: false,
    });
    const r3 = await client.send({ from: 'a@siroe.example', to: [{ address: 'carol@siroe.example' }] }, message('m3'));
    assert.equal(r3.recipients[0]!.accepted, true);
    assert.equal(got.length, 3);
    assert.equal(got[2]!.message.toString(), message('m3').toString());
    assert.equal(tracer.ofKind('session.opened').length, 1, 'one connection');
    const verbs = tracer.ofKind('smtp.command').map((e) => e.data.verb);
    assert.equal(verbs.filter((v) => v === 'RSET').length, 1, 'RSET only after the failed transaction');
    assert.equal(client.busy, false);
  });

  test('dot-stuffing, bare LF and a missing final CRLF arrive as intended', async (t) => {
    const { port, got } = await startServer(t);
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'mta.siroe.example' });
    t.after(() => client.close());
    await client.send(
      { from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] },
      Buffer.from('Subject: d\n\n.\r\n..two\r\nlast'),
    );
    assert.equal(got[0]!.message.toString(), 'Subject: d\r\n\r\n.\r\n..two\r\nlast\r\n');
  });

  test('SMTPUTF8 and BODY=8BITMIME are added when the envelope or body need them', async (t) => {
    const { port, got } = await startServer(t);
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'mta.siroe.example' });
    t.after(() => client.close());
    const body = Buffer.from('Subject: ünïcode\r\n\r\n€\r\n', 'utf8');
    const r = await client.send({ from: 'a@siroe.example', to: [{ address: '用户@siroe.example' }] }, body);
    assert.equal(r.recipients[0]!.accepted, true);
    assert.equal(got[0]!.params.SMTPUTF8, true);
    assert.equal(got[0]!.params.BODY, '8BITMIME');
    assert.deepEqual(got[0]!.message, body);
  });

  test('opportunistic STARTTLS', async (t) => {
    const { port, got } = await startServer(t, { tls: tlsPems });
    const client = await SmtpClient.connect({
      host: '127.0.0.1',
      port,
      clientHostname: 'mta.siroe.example',
      startTls: 'opportunistic',
      tls: { rejectUnauthorized: false },
    });
    t.after(() => client.close());
    assert.ok(!client.extensions.has('STARTTLS'), 'extensions re-read after TLS');
    await client.send({ from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] }, message('tls'));
    assert.equal(got[0]!.secure, true);
  });

  test('a server that refuses everything: the whole transaction fails per recipient', async (t) => {
    const { port } = await startServer(
      t,
      {},
      {
        onRcptTo: async () => {
          throw new MailError({ code: 450, enhanced: '4.2.1', publicText: 'Try later', component: 'test' });
        },
      },
    );
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'mta.siroe.example' });
    t.after(() => client.close());
    const r = await client.send({ from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] }, message('x'));
    assert.deepEqual(r.recipients[0], {
      address: 'b@siroe.example',
      code: 450,
      enhanced: '4.2.1',
      text: 'Try later',
      accepted: false,
    });
    assert.equal(r.dataReply?.code, 554);
    const again = await client.send({ from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] }, message('y'));
    assert.equal(again.recipients[0]!.code, 450, 'connection still in step after RSET');
  });
});

describe('SmtpClient failures and old servers', () => {
  test('connection refused: temporary MailError 421 4.4.1', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    await assert.rejects(
      SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'mta.siroe.example' }),
      (err: unknown) => {
        assert.ok(err instanceof MailError);
        assert.equal(err.code, 421);
        assert.equal(err.enhanced, '4.4.1');
        assert.equal(err.temporary, true);
        assert.equal(err.component, 'smtp-client');
        return true;
      },
    );
  });

  test('a server that never answers: timeout becomes 421 4.4.2', async (t) => {
    const port = await fakeServer(t, (socket) => socket.write('220 slow.example\r\n'));
    await assert.rejects(
      SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'c', commandTimeoutMs: 150 }),
      (err: unknown) => err instanceof MailError && err.code === 421 && err.enhanced === '4.4.2',
    );
  });

  test('a dropped connection mid-transaction rejects with a temporary MailError', async (t) => {
    const port = await fakeServer(t, (socket) => {
      socket.write('220 flaky.example\r\n');
      socket.once('data', () => {
        socket.write('250-flaky.example\r\n250 PIPELINING\r\n');
        socket.once('data', () => socket.destroy());
      });
    });
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'c' });
    await assert.rejects(
      client.send({ from: 'a@x.example', to: [{ address: 'b@y.example' }] }, message('x')),
      (err: unknown) => err instanceof MailError && err.temporary && err.component === 'smtp-client',
    );
    assert.equal(client.closed, true);
    await assert.rejects(
      client.send({ from: 'a@x.example', to: [{ address: 'b@y.example' }] }, message('x')),
      MailError,
    );
  });

  test('a line break in the envelope is refused before anything is sent', async (t) => {
    const { port, tracer } = await startServer(t);
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'c' });
    t.after(() => client.close());
    await assert.rejects(
      client.send(
        { from: 'a@siroe.example>\r\nRCPT TO:<evil@example.org', to: [{ address: 'b@siroe.example' }] },
        message('x'),
      ),
      (err: unknown) => err instanceof MailError && err.code === 501 && err.permanent,
    );
    const r = await client.send({ from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] }, message('y'));
    assert.equal(r.recipients[0]!.accepted, true);
    assert.ok(!tracer.ofKind('smtp.command').some((e) => e.data.args.includes('evil')));
  });

  test('a garbled reply is a temporary protocol error', async (t) => {
    const port = await fakeServer(t, (socket) => socket.write('hello there\r\n'));
    await assert.rejects(
      SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'c' }),
      (err: unknown) => err instanceof MailError && err.code === 421 && err.enhanced === '4.5.0',
    );
  });

  test('without PIPELINING it goes step by step and skips DATA after MAIL fails', async (t) => {
    const seen: string[] = [];
    const port = await fakeServer(t, stepServer(seen));
    const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'c.example' });
    t.after(() => client.close());
    const r = await client.send(
      { from: 'a@x.example', to: [{ address: 'ok@y.example' }, { address: 'bad@y.example' }] },
      message('s'),
    );
    assert.deepEqual(
      r.recipients.map((x) => [x.code, x.accepted]),
      [
        [250, true],
        [550, false],
      ],
    );
    assert.deepEqual(seen.slice(0, 5), [
      'EHLO c.example',
      'MAIL FROM:<a@x.example>',
      'RCPT TO:<ok@y.example>',
      'RCPT TO:<bad@y.example>',
      'DATA',
    ]);
    seen.length = 0;
    const refused = await client.send({ from: 'spam@x.example', to: [{ address: 'ok@y.example' }] }, message('s'));
    assert.deepEqual(
      refused.recipients.map((x) => [x.code, x.enhanced, x.accepted]),
      [[550, '5.7.1', false]],
    );
    assert.deepEqual(seen, ['MAIL FROM:<spam@x.example>', 'RSET']);
    await client.quit();
    assert.equal(seen.at(-1), 'QUIT');
  });
});
