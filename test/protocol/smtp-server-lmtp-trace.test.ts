import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64, goodAuth, greeted, onAuth, Raw, sessionClosed, startServer } from '../helpers/smtp-server-fixture.js';

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
