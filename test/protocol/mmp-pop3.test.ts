import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { before, describe, test, type TestContext } from 'node:test';
import { FailureDelay } from '../../server/mmp/failure-delay.js';
import { mmpGreeted, mmpLoggedIn, MMP_NODE, startBackend, startMmp, STORE_NODE } from '../helpers/mmp-pop3-fixture.js';
import { b64, BOB, makeStore, makeTlsPems, nextEvent, PopClient, type TlsPems } from '../helpers/pop3-fixture.js';
import { has, MESSAGES, NO_FINAL_CRLF, run, seeded, SIMPLE } from '../helpers/pop3-messages.js';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';

let pems: TlsPems;
before(async () => {
  pems = await makeTlsPems();
});

const SYS_TEMP = (host: string) => `-ERR [SYS/TEMP] Mailbox server ${host} is unavailable, try again later`;

/** A TCP listener that plays a broken back end: says `greeting` (or nothing) and never more. */
async function fakeBackend(t: TestContext, greeting?: string): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (greeting) socket.write(`${greeting}\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

describe('MMP POP3: before login', { timeout: 15_000 }, () => {
  test('greeting, CAPA, NOOP, commands that need a login, QUIT', async (t) => {
    const { port, tracer } = await startMmp(t, makeStore(t));
    const pop = await mmpGreeted(t, port);
    pop.send('CAPA', 'NOOP', 'STAT', 'XYZZY', 'AUTH');
    const capa = await pop.lines();
    for (const c of ['TOP', 'UIDL', 'USER', 'SASL PLAIN', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING']) {
      assert.ok(capa.includes(c), `${c} in ${capa.join('|')}`);
    }
    assert.ok(!capa.includes('STLS'), 'no STLS without a certificate');
    await pop.ok(/^\+OK$/);
    await pop.err(/^-ERR Not logged in/);
    await pop.err(/^-ERR Unknown command$/);
    assert.deepEqual(await pop.lines(), ['PLAIN']);
    pop.send('QUIT');
    await pop.ok(/^\+OK mmp\.siroe\.example POP3 proxy signing off$/);
    await pop.closed;
    const closed = await nextEvent(tracer, 'session.closed', (e) => e.node === MMP_NODE);
    assert.equal(closed.data.reason, 'quit');
    assert.equal(tracer.ofKind('session.opened').filter((e) => e.node === STORE_NODE).length, 0, 'no back end touched');
  });

  test('overlong lines and too many mistakes end the connection', async (t) => {
    const { port } = await startMmp(t, makeStore(t));
    const pop = await mmpGreeted(t, port);
    pop.send(`NOOP ${'x'.repeat(2000)}`, 'NOOP');
    await pop.err(/^-ERR Line too long$/);
    await pop.ok();
    pop.send(...Array.from({ length: 9 }, () => 'RETR 1'), 'NOOP');
    for (let i = 0; i < 8; i++) await pop.err(/Not logged in/);
    await pop.err(/too many errors, closing connection$/);
    await pop.closed;
    assert.equal(pop.unread().length, 0);
  });

  test('an idle client is dropped without a reply', async (t) => {
    const { port, tracer } = await startMmp(t, makeStore(t), { idleTimeoutMs: 150 });
    const pop = await mmpGreeted(t, port);
    await pop.closed;
    assert.equal(pop.unread().length, 0);
    assert.equal((await nextEvent(tracer, 'session.closed')).data.reason, 'timeout');
  });
});

describe('MMP POP3: login and relay', { timeout: 15_000 }, () => {
  test('USER/PASS reaches the store: STAT, LIST, UIDL, RETR, TOP, DELE, QUIT; trace in order', async (t) => {
    const store = await seeded(t);
    const { port, tracer, backendPort } = await startMmp(t, store);
    const pop = await mmpLoggedIn(t, port);
    const total = MESSAGES.reduce((s, m) => s + m.length, 0);
    pop.send('STAT', 'LIST', 'UIDL', 'RETR 1', 'TOP 1 1', 'DELE 2', 'CAPA');
    await pop.ok(new RegExp(`^\\+OK 4 ${total}$`));
    assert.deepEqual(
      await pop.lines(),
      MESSAGES.map((m, i) => `${i + 1} ${m.length}`),
    );
    assert.equal((await pop.lines()).length, 4);
    assert.deepEqual((await pop.multiline()).body, SIMPLE);
    assert.deepEqual((await pop.lines()).slice(-2), ['', 'Hello Bob,']);
    await pop.ok();
    assert.ok((await pop.lines()).includes('IMPLEMENTATION Mailscope'), 'CAPA after login is the store’s');
    pop.send('QUIT');
    await pop.ok(/1 messages deleted, 3 left/);
    await pop.closed;
    assert.equal(store.listMessages(BOB, 'INBOX').length, 3);

    const closed = await nextEvent(tracer, 'session.closed', (e) => e.node === MMP_NODE);
    assert.equal(closed.data.reason, 'backend');
    const mmpKinds = tracer.events.filter((e) => e.node === MMP_NODE).map((e) => e.kind);
    assert.deepEqual(mmpKinds, ['session.opened', 'mmp.authenticated', 'mmp.proxied', 'session.closed']);
    const sessionId = tracer.ofKind('session.opened')[0]!.data.sessionId;
    const authenticated = tracer.ofKind('mmp.authenticated')[0]!;
    assert.deepEqual(authenticated.data, { sessionId, protocol: 'pop3', user: BOB, mailHost: 'store1' });
    const proxied = tracer.ofKind('mmp.proxied')[0]!;
    assert.deepEqual(proxied.data, { sessionId, protocol: 'pop3', user: BOB, backend: 'store1', backendPort });
    assert.deepEqual([proxied.from, proxied.to], [MMP_NODE, 'store1']);
    const storeLogin = tracer.ofKind('auth.succeeded').find((e) => e.node === STORE_NODE)!;
    assert.ok(authenticated.seq < storeLogin.seq && storeLogin.seq < proxied.seq, 'directory, then store, then relay');
  });

  test('commands pipelined after PASS are forwarded, not lost', async (t) => {
    const store = await seeded(t);
    const { port } = await startMmp(t, store);
    const pop = await mmpGreeted(t, port);
    pop.write('USER bob\r\nPASS bob\r\nSTAT\r\nDELE 1\r\nQUIT\r\n');
    await pop.ok(/Send PASS/);
    await pop.ok(/^\+OK Logged in, 4 messages/);
    await pop.ok(/^\+OK 4 /);
    await pop.ok();
    await pop.ok(/1 messages deleted/);
    await pop.closed;
    assert.equal(store.listMessages(BOB, 'INBOX').length, 3);
  });

  test('AUTH PLAIN: initial response, continuation, cancel, bad input', async (t) => {
    const store = await seeded(t);
    const { port, tracer } = await startMmp(t, store);
    const first = await mmpGreeted(t, port);
    first.send('AUTH PLAIN', '*', 'AUTH PLAIN !!!', 'AUTH CRAM-MD5');
    assert.equal(await first.line(), '+ ');
    await first.err(/cancelled/);
    await first.err(/base64/);
    await first.err(/Unsupported/);
    // CR LF inside PLAIN credentials would inject a command into the back-end login.
    first.send(`AUTH PLAIN ${b64('\0bob\r\nDELE 1\0bob')}`);
    await first.err(/^-ERR \[AUTH\] Authentication failed$/);
    first.send(`AUTH PLAIN ${b64('\0bob\0bob')}`, 'STAT', 'QUIT');
    await first.ok(/^\+OK Logged in, 4 messages/);
    await first.ok(/^\+OK 4 /);
    await first.ok();
    await first.closed;

    const second = await mmpGreeted(t, port);
    second.send('AUTH PLAIN');
    assert.equal(await second.line(), '+ ');
    second.send(b64('bob\0bob\0bob'));
    await second.ok(/Logged in/);
    second.send('UIDL');
    assert.equal((await second.lines()).length, 4);
    assert.equal(tracer.ofKind('mmp.proxied').length, 2);
    assert.equal(tracer.ofKind('auth.failed').filter((e) => e.node === MMP_NODE)[0]!.data.mechanism, 'PLAIN');
    assert.equal(store.listMessages(BOB, 'INBOX').length, 4, 'the injected DELE never ran');
  });

  test('wrong passwords: each answer waits longer, the third closes; passwords never traced', async (t) => {
    const baseMs = 50;
    const { port, tracer } = await startMmp(t, makeStore(t), { failureDelayMs: baseMs });
    const pop = await mmpGreeted(t, port);
    const tookMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      pop.send('USER bob');
      await pop.ok();
      const startMs = performance.now();
      pop.send('PASS Sekr1t-guess');
      const reply = await pop.err(/^-ERR \[AUTH\] Authentication failed/);
      tookMs.push(performance.now() - startMs);
      assert.equal(/too many failures/.test(reply), i === 2);
    }
    await pop.closed;
    assert.ok(tookMs[0]! >= baseMs, `first ${tookMs[0]} ms`);
    assert.ok(tookMs[1]! >= 2 * baseMs, `second ${tookMs[1]} ms`);
    assert.ok(tookMs[2]! >= 4 * baseMs, `third ${tookMs[2]} ms`);

    // The count is per address, not per connection: a reconnect does not start over.
    const again = await mmpGreeted(t, port);
    const startMs = performance.now();
    again.send('USER bob', 'PASS other-guess');
    await again.ok();
    await again.err(/^-ERR \[AUTH\] Authentication failed$/);
    assert.ok(performance.now() - startMs >= 8 * baseMs);

    const failed = tracer.ofKind('auth.failed');
    assert.equal(failed.length, 4);
    assert.deepEqual([failed[0]!.data.mechanism, failed[0]!.data.user], ['USER', 'bob']);
    assert.ok(!JSON.stringify(tracer.events).includes('guess'), 'no password in the trace');
    assert.equal(tracer.ofKind('session.opened').filter((e) => e.node === STORE_NODE).length, 0);
  });

  test('FailureDelay doubles per address up to its cap and a success resets it', () => {
    const delays = new FailureDelay({ baseDelayMs: 500, maxDelayMs: 8000 });
    const got = Array.from({ length: 7 }, () => delays.recordFailure('192.0.2.1'));
    assert.deepEqual(got, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert.equal(delays.recordFailure('192.0.2.2'), 500);
    delays.reset('192.0.2.1');
    assert.equal(delays.recordFailure('192.0.2.1'), 500);
    let nowMs = 0;
    const forgetting = new FailureDelay({ baseDelayMs: 10, forgetAfterMs: 1000, maxTracked: 2, nowMs: () => nowMs });
    forgetting.recordFailure('a');
    nowMs = 2000;
    assert.equal(forgetting.recordFailure('a'), 10, 'a quiet address starts over');
    forgetting.recordFailure('b');
    forgetting.recordFailure('c');
    assert.equal(forgetting.failuresOf('a'), 0, 'the oldest address is evicted past maxTracked');
  });
});

describe('MMP POP3: back end trouble', { timeout: 15_000 }, () => {
  test('no back end for the mailHost, a stopped back end: [SYS/TEMP] at once, and the client may go on', async (t) => {
    const store = await seeded(t);
    const stoppedTracer = new MemoryTracer(new WorldClock());
    const stopped = await startBackend(t, store, stoppedTracer);
    await stopped.server.close();
    const { port, tracer } = await startMmp(t, store, { backendPort: stopped.port, connectTimeoutMs: 3000 });
    const pop = await mmpGreeted(t, port);
    pop.send('USER carol', 'PASS carol');
    await pop.ok();
    assert.equal(await pop.line(), SYS_TEMP('nowhere'));
    const startMs = performance.now();
    pop.send('USER bob', 'PASS bob');
    await pop.ok();
    assert.equal(await pop.line(), SYS_TEMP('store1'));
    assert.ok(performance.now() - startMs < 1000, 'a refused connection is not waited out');
    const failed = tracer.ofKind('mmp.failed');
    assert.match(failed[0]!.data.reason, /no POP3 back end for nowhere/);
    assert.match(failed[1]!.data.reason, /ECONNREFUSED/);
    assert.equal(failed[1]!.data.user, BOB);
    pop.send('NOOP', 'QUIT');
    await pop.ok(/^\+OK$/);
    await pop.ok(/signing off/);
    assert.equal(tracer.ofKind('mmp.proxied').length, 0);
  });

  test('a silent back end times out, a bad greeting is refused: [SYS/TEMP], never a hang', async (t) => {
    const silent = await fakeBackend(t);
    const { port, tracer } = await startMmp(t, makeStore(t), { backendPort: silent, connectTimeoutMs: 200 });
    const pop = await mmpGreeted(t, port);
    const startMs = performance.now();
    pop.send('USER bob', 'PASS bob');
    await pop.ok();
    assert.equal(await pop.line(), SYS_TEMP('store1'));
    assert.ok(performance.now() - startMs >= 200);
    assert.match(tracer.ofKind('mmp.failed')[0]!.data.reason, /no answer within 200 ms/);

    const rude = await fakeBackend(t, '-ERR go away');
    const other = await startMmp(t, makeStore(t), { backendPort: rude });
    const pop2 = await mmpGreeted(t, other.port);
    pop2.send('USER bob', 'PASS bob');
    await pop2.ok();
    assert.equal(await pop2.line(), SYS_TEMP('store1'));
    assert.match(other.tracer.ofKind('mmp.failed')[0]!.data.reason, /unexpected greeting "-ERR go away"/);
  });

  test('[IN-USE] from the back end is passed on verbatim; the client may try again', async (t) => {
    const store = await seeded(t);
    const { port, tracer, backendPort } = await startMmp(t, store);
    const holder = await PopClient.loggedIn(backendPort);
    t.after(() => holder.close());
    const pop = await mmpGreeted(t, port);
    pop.send('USER bob', 'PASS bob');
    await pop.ok();
    assert.equal(await pop.line(), '-ERR [IN-USE] Mailbox is locked by another session');
    assert.match(tracer.ofKind('mmp.failed')[0]!.data.reason, /IN-USE/);
    holder.send('QUIT');
    await holder.ok();
    pop.send('USER bob', 'PASS bob', 'STAT');
    await pop.ok();
    await pop.ok(/Logged in/);
    await pop.ok(/^\+OK 4 /);
  });

  test('a client that hangs up mid-session ends its back-end session (no UPDATE, lock freed)', async (t) => {
    const store = await seeded(t);
    const { port, tracer, backendPort } = await startMmp(t, store);
    const pop = await mmpLoggedIn(t, port);
    pop.send('DELE 1');
    await pop.ok();
    pop.close();
    const storeClosed = await nextEvent(tracer, 'session.closed', (e) => e.node === STORE_NODE);
    assert.equal(storeClosed.data.reason, 'client');
    assert.equal((await nextEvent(tracer, 'session.closed', (e) => e.node === MMP_NODE)).data.reason, 'client');
    assert.equal(store.listMessages(BOB, 'INBOX').length, 4, 'DELE without QUIT is not applied');
    const direct = await PopClient.loggedIn(backendPort);
    direct.close();
  });

  test('DELE and QUIT sent just before the client hangs up still reach the store', async (t) => {
    const store = await seeded(t);
    const { port, tracer } = await startMmp(t, store);
    const pop = await mmpLoggedIn(t, port);
    pop.socket.end('DELE 1\r\nQUIT\r\n');
    const storeClosed = await nextEvent(tracer, 'session.closed', (e) => e.node === STORE_NODE);
    assert.equal(storeClosed.data.reason, 'quit');
    assert.equal(store.listMessages(BOB, 'INBOX').length, 3);
  });

  test('close() ends relayed sessions at both ends and frees the maildrop', async (t) => {
    const { proxy, port, tracer, backendPort } = await startMmp(t, await seeded(t));
    const pop = await mmpLoggedIn(t, port);
    const half = await mmpGreeted(t, port);
    await proxy.close();
    await pop.closed;
    await half.closed;
    await nextEvent(tracer, 'session.closed', (e) => e.node === STORE_NODE);
    assert.equal(proxy.connectionCount, 0);
    const direct = await PopClient.loggedIn(backendPort);
    direct.close();
    const reasons = tracer.ofKind('session.closed').filter((e) => e.node === MMP_NODE);
    assert.deepEqual(
      reasons.map((e) => e.data.reason),
      ['shutdown', 'shutdown'],
    );
  });
});

describe('MMP POP3: STLS', { timeout: 15_000 }, () => {
  test('plaintext refused in the clear, STLS, then login and relay over TLS', async (t) => {
    const { port, tracer } = await startMmp(t, await seeded(t), { tls: pems, allowInsecureAuth: () => false });
    const pop = await mmpGreeted(t, port);
    pop.send('CAPA', 'USER bob', 'PASS bob', `AUTH PLAIN ${b64('\0bob\0bob')}`, 'AUTH');
    const capa = await pop.lines();
    assert.ok(capa.includes('STLS') && !capa.includes('USER') && !capa.includes('SASL PLAIN'));
    const refused = '-ERR [AUTH] Plaintext authentication disallowed on non-secure connections; use STLS first';
    for (let i = 0; i < 3; i++) assert.equal(await pop.line(), refused);
    assert.deepEqual(await pop.lines(), []);

    pop.write('STLS\r\nUSER bob\r\n');
    await pop.ok(/Begin TLS/);
    await pop.startTls();
    pop.send('PASS bob', 'CAPA', 'STLS');
    await pop.err(/USER first/);
    const after = await pop.lines();
    assert.ok(after.includes('USER') && after.includes('SASL PLAIN') && !after.includes('STLS'));
    await pop.err(/Already using TLS/);
    pop.send('USER bob', 'PASS bob', 'STAT', 'RETR 4');
    await pop.ok();
    await pop.ok(/Logged in, 4 messages/);
    await pop.ok(/^\+OK 4 /);
    assert.equal((await pop.multiline()).body.toString(), `${NO_FINAL_CRLF}\r\n`);
    const kinds = tracer.events.filter((e) => e.node === MMP_NODE).map((e) => e.kind);
    assert.deepEqual(kinds, ['session.opened', 'tls.started', 'mmp.authenticated', 'mmp.proxied']);
  });
});

describe('MMP POP3 with standard clients', { timeout: 15_000 }, () => {
  test("Python's poplib through the proxy: USER/PASS, STAT, LIST, RETR, DELE, QUIT", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const store = await seeded(t);
    const { port } = await startMmp(t, store);
    const script = [
      'import poplib, json, base64',
      `p = poplib.POP3("127.0.0.1", ${port}, timeout=10)`,
      'out = {"welcome": p.getwelcome().decode(), "capa": sorted(p.capa().keys())}',
      'p.user("bob"); p.pass_("bob")',
      'out["stat"] = list(p.stat())',
      'out["list"] = [l.decode() for l in p.list()[1]]',
      'out["retr"] = base64.b64encode(b"\\r\\n".join(p.retr(1)[1]) + b"\\r\\n").decode()',
      'p.dele(1)',
      'out["quit"] = p.quit().decode()',
      'print(json.dumps(out))',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    const out = JSON.parse(stdout) as {
      welcome: string;
      capa: string[];
      stat: number[];
      list: string[];
      retr: string;
      quit: string;
    };
    assert.equal(out.welcome, '+OK mmp.siroe.example POP3 proxy (Mailscope MMP) ready');
    assert.ok(out.capa.includes('USER') && out.capa.includes('UIDL'));
    assert.deepEqual(out.stat, [4, MESSAGES.reduce((s, m) => s + m.length, 0)]);
    assert.deepEqual(
      out.list,
      MESSAGES.map((m, i) => `${i + 1} ${m.length}`),
    );
    assert.equal(Buffer.from(out.retr, 'base64').toString(), SIMPLE.toString());
    assert.match(out.quit, /1 messages deleted, 3 left/);
    assert.equal(store.listMessages(BOB, 'INBOX').length, 3);
  });
});
