import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { before, describe, test, type TestContext } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MmpImapProxy } from '../../server/mmp/imap-proxy.js';
import type { MmpImapOptions } from '../../server/mmp/imap-types.js';
import type { MessageStore } from '../../server/store/message-store.js';
import { ImapServer } from '../../server/store/imap/server.js';
import { ImapClient } from '../helpers/imap-fixture.js';
import { b64, makeStore, makeTlsPems, fakeAuthenticate, type TlsPems } from '../helpers/pop3-fixture.js';
import { has, run, seeded } from '../helpers/pop3-messages.js';
import { fakeDirectory, MMP_NODE } from '../helpers/mmp-pop3-fixture.js';

let pems: TlsPems;
before(async () => {
  pems = await makeTlsPems();
});

async function startMmpImap(
  t: TestContext,
  store: MessageStore,
  options: Partial<MmpImapOptions> & { backendPort?: number } = {},
) {
  const tracer = new MemoryTracer(new WorldClock());
  const backend = new ImapServer({
    hostname: 'mailboxa.siroe.example',
    node: 'mailboxa.siroe.example',
    tracer,
    store,
    authenticate: fakeAuthenticate,
    allowInsecureAuth: () => true,
  });
  const realPort = await backend.listen(0, '127.0.0.1');
  t.after(() => backend.close());
  const backendPort = options.backendPort ?? realPort;
  const proxy = new MmpImapProxy({
    hostname: MMP_NODE,
    node: MMP_NODE,
    tracer,
    authenticate: fakeDirectory,
    backend: (host) => (host === 'store1' ? { host: '127.0.0.1', port: backendPort } : undefined),
    allowInsecureAuth: () => true,
    failureDelayMs: 20,
    ...options,
  });
  const port = await proxy.listen(0, '127.0.0.1');
  t.after(() => proxy.close());
  return { port, tracer, backend, proxy };
}

async function greeted(t: TestContext, port: number): Promise<{ client: ImapClient; greeting: string }> {
  const client = await ImapClient.connect(port);
  t.after(() => client.close());
  const greeting = await client.response();
  assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*\] mmp\.siroe\.example IMAP proxy \(Mailscope MMP\) ready$/);
  return { client, greeting };
}

describe('MMP IMAP', { timeout: 20_000 }, () => {
  test('greeting, CAPABILITY, NOOP, ID, commands before login, LOGOUT', async (t) => {
    const { port } = await startMmpImap(t, makeStore(t));
    const { client, greeting } = await greeted(t, port);
    assert.match(greeting, /AUTH=PLAIN/);
    const caps = await client.ok('CAPABILITY');
    assert.match(caps[0]!, /^\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR .* AUTH=PLAIN$/);
    assert.doesNotMatch(caps[0]!, /STARTTLS|LOGINDISABLED/);
    await client.ok('NOOP');
    assert.deepEqual(await client.ok('ID ("name" "test")'), ['* ID NIL']);
    assert.equal((await client.run('SELECT INBOX')).status, 'NO Log in first');
    assert.match((await client.run('LOGIN onlyone')).status, /^BAD/);
    const bye = await client.run('LOGOUT');
    assert.deepEqual(bye.untagged, ['* BYE Logging out']);
    await client.closed;
  });

  test('LOGIN (with a literal) then SELECT and UID FETCH reach the store; trace order', async (t) => {
    const { port, tracer } = await startMmpImap(t, await seeded(t));
    const { client } = await greeted(t, port);
    client.write('a1 LOGIN {3+}\r\nbob "bob"\r\na2 SELECT INBOX\r\n');
    const login = await client.until('a1');
    assert.match(login.status, /^OK \[CAPABILITY IMAP4rev1 .*\] Logged in$/);
    const select = await client.until('a2');
    assert.match(select.status, /^OK \[READ-WRITE\]/);
    assert.ok(select.untagged.includes('* 4 EXISTS'), select.untagged.join('\n'));
    const fetch = await client.run('UID FETCH 1:* (UID RFC822.SIZE)');
    assert.equal(fetch.untagged.length, 4);
    assert.match(fetch.status, /^OK/);
    const kinds = tracer.events.filter((e) => e.node === MMP_NODE && e.kind.startsWith('mmp.')).map((e) => e.kind);
    assert.deepEqual(kinds, ['mmp.authenticated', 'mmp.proxied']);
    const proxied = tracer.ofKind('mmp.proxied')[0]!;
    assert.equal(proxied.data.protocol, 'imap');
    assert.equal(proxied.data.user, 'bob@siroe.example');
  });

  test('AUTHENTICATE PLAIN with SASL-IR and with a continuation', async (t) => {
    const { port } = await startMmpImap(t, await seeded(t));
    const { client } = await greeted(t, port);
    const reply = await client.run(`AUTHENTICATE PLAIN ${b64('\0bob\0bob')}`);
    assert.match(reply.status, /^OK .*Logged in$/);
    assert.match((await client.run('SELECT INBOX')).status, /^OK/);
    const second = (await greeted(t, port)).client;
    second.write('c1 AUTHENTICATE PLAIN\r\n');
    assert.equal(await second.response(), '+ ');
    second.write(`${b64('\0bob\0bob')}\r\n`);
    assert.match((await second.until('c1')).status, /^OK/);
  });

  test('wrong passwords: growing delay, the third says BYE and closes', async (t) => {
    const { port, tracer } = await startMmpImap(t, makeStore(t), { failureDelayMs: 40 });
    const { client } = await greeted(t, port);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const reply = await client.run('LOGIN bob wrong');
      times.push(performance.now() - started);
      assert.equal(reply.status, 'NO [AUTHENTICATIONFAILED] Authentication failed');
    }
    assert.ok(times[0]! >= 35 && times[1]! >= 75 && times[2]! >= 150, times.join(','));
    assert.equal(await client.response(), '* BYE Too many authentication failures');
    await client.closed;
    assert.equal(tracer.ofKind('auth.failed').length, 3);
    assert.equal(tracer.ofKind('mmp.authenticated').length, 0);
  });

  test('no back end / stopped back end: NO [UNAVAILABLE], connection stays', async (t) => {
    const { port, tracer, backend } = await startMmpImap(t, makeStore(t), { connectTimeoutMs: 2000 });
    const { client } = await greeted(t, port);
    assert.equal(
      (await client.run('LOGIN carol carol')).status,
      'NO [UNAVAILABLE] Mailbox server nowhere is unavailable',
    );
    await backend.close();
    const started = performance.now();
    assert.equal((await client.run('LOGIN bob bob')).status, 'NO [UNAVAILABLE] Mailbox server store1 is unavailable');
    assert.ok(performance.now() - started < 1000);
    await client.ok('NOOP');
    const failed = tracer.ofKind('mmp.failed');
    assert.equal(failed.length, 2);
    assert.match(failed[1]!.data.reason, /store1/);
  });

  test('plaintext not allowed: LOGINDISABLED, PRIVACYREQUIRED; STARTTLS then LOGIN works', async (t) => {
    const tls = { key: pems.key, cert: pems.cert };
    const { port, tracer } = await startMmpImap(t, await seeded(t), { tls, allowInsecureAuth: () => false });
    const { client, greeting } = await greeted(t, port);
    assert.match(greeting, /STARTTLS LOGINDISABLED/);
    assert.doesNotMatch(greeting, /AUTH=PLAIN/);
    assert.match((await client.run('LOGIN bob bob')).status, /^NO \[PRIVACYREQUIRED\]/);
    assert.match((await client.run(`AUTHENTICATE PLAIN ${b64('\0bob\0bob')}`)).status, /^NO \[PRIVACYREQUIRED\]/);
    // The NOOP pipelined after STARTTLS came in the clear and must be dropped.
    client.write('t1 STARTTLS\r\nt2 NOOP\r\n');
    assert.equal((await client.until('t1')).status, 'OK Begin TLS negotiation now');
    await client.startTls();
    const caps = await client.ok('CAPABILITY');
    assert.match(caps[0]!, /AUTH=PLAIN/);
    assert.doesNotMatch(caps[0]!, /STARTTLS|LOGINDISABLED|t2/);
    assert.match((await client.run('LOGIN bob bob')).status, /^OK/);
    assert.match((await client.run('SELECT INBOX')).status, /^OK/);
    assert.equal(tracer.ofKind('tls.started').filter((e) => e.node === MMP_NODE).length, 1);
  });

  test('Python imaplib through the proxy', async (t) => {
    if (!(await has('python3'))) return t.skip('python3 not installed');
    const { port } = await startMmpImap(t, await seeded(t));
    const script = [
      'import imaplib, sys',
      `m = imaplib.IMAP4('127.0.0.1', ${port})`,
      "m.login('bob', 'bob')",
      "typ, data = m.select('INBOX')",
      'print(typ, data[0].decode())',
      "typ, data = m.uid('FETCH', '1', '(RFC822)')",
      'print(typ, len(data[0][1]))',
      'm.logout()',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    const [first, second] = stdout.trim().split('\n');
    assert.equal(first, 'OK 4');
    assert.match(second!, /^OK \d+$/);
  });
});
