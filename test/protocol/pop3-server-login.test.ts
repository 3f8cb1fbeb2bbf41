import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  b64,
  BOB,
  makeStore,
  makeTlsPems,
  nextEvent,
  PopClient,
  startPop3,
  type TlsPems,
} from '../helpers/pop3-fixture.js';
import { MESSAGES, seeded } from '../helpers/pop3-messages.js';

let pems: TlsPems;
before(async () => {
  pems = await makeTlsPems();
});

describe('Pop3Server: login', () => {
  test('greeting and CAPA on a connection that may log in in plaintext', async (t) => {
    const { port, tracer } = await startPop3(t, makeStore(t));
    const pop = await PopClient.greeted(port);
    t.after(() => pop.close());
    pop.send('CAPA');
    const capa = await pop.lines();
    for (const c of ['TOP', 'UIDL', 'USER', 'SASL PLAIN', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING']) {
      assert.ok(capa.includes(c), `${c} in ${capa.join('|')}`);
    }
    assert.ok(capa.includes('IMPLEMENTATION Mailscope'));
    assert.ok(!capa.includes('STLS'), 'no STLS without a certificate');
    pop.send('QUIT');
    await pop.ok(/signing off/);
    await pop.closed;
    const closed = await nextEvent(tracer, 'session.closed');
    assert.deepEqual(closed.data, { sessionId: closed.data.sessionId, protocol: 'pop3', reason: 'quit' });
    assert.equal(tracer.ofKind('session.opened')[0]!.data.protocol, 'pop3');
  });

  test('USER/PASS: good, wrong, and the third failure closes', async (t) => {
    const { port, tracer } = await startPop3(t, makeStore(t));
    const good = await PopClient.loggedIn(port);
    t.after(() => good.close());
    const ok = tracer.ofKind('auth.succeeded')[0]!;
    assert.equal(ok.data.mechanism, 'USER');
    assert.equal(ok.data.user, BOB);

    const bad = await PopClient.greeted(port);
    t.after(() => bad.close());
    bad.send('PASS bob');
    await bad.err(/USER first/);
    for (let i = 0; i < 2; i++) {
      bad.send('USER alice', 'PASS wrong');
      await bad.ok();
      await bad.err(/^-ERR \[AUTH\] Authentication failed$/);
    }
    bad.send('USER alice', 'PASS still wrong');
    await bad.ok();
    await bad.err(/^-ERR \[AUTH\] .*too many failures/);
    await bad.closed;
    const failed = tracer.ofKind('auth.failed');
    assert.equal(failed.length, 3);
    assert.deepEqual([failed[0]!.data.mechanism, failed[0]!.data.user], ['USER', 'alice']);
  });

  test('AUTH PLAIN: initial response, continuation, cancel, bad credentials, mechanism list', async (t) => {
    const { port, tracer } = await startPop3(t, makeStore(t));
    const first = await PopClient.greeted(port);
    t.after(() => first.close());
    first.send('AUTH');
    assert.deepEqual(await first.lines(), ['PLAIN']);
    first.send('AUTH PLAIN', '*');
    assert.equal(await first.line(), '+ ');
    await first.err(/cancelled/);
    first.send(`AUTH PLAIN ${b64('\0bob\0nope')}`);
    await first.err(/^-ERR \[AUTH\] Authentication failed$/);
    first.send('AUTH PLAIN !!!notbase64');
    await first.err(/base64/);
    first.send('AUTH CRAM-MD5');
    await first.err(/Unsupported/);
    first.send(`AUTH PLAIN ${b64('\0bob\0bob')}`);
    await first.ok(/Logged in, 0 messages/);
    first.send('QUIT');
    await first.ok();

    const second = await PopClient.greeted(port);
    t.after(() => second.close());
    second.send('AUTH PLAIN');
    assert.equal(await second.line(), '+ ');
    second.send(b64('bob\0bob\0bob'));
    await second.ok(/Logged in/);
    const succeeded = tracer.ofKind('auth.succeeded');
    assert.deepEqual(
      succeeded.map((e) => e.data.mechanism),
      ['PLAIN', 'PLAIN'],
    );
    assert.equal(tracer.ofKind('auth.failed')[0]!.data.mechanism, 'PLAIN');
  });

  test('a second session for a locked maildrop gets [IN-USE]; QUIT and a dropped connection free it', async (t) => {
    const { port, tracer } = await startPop3(t, await seeded(t));
    const holder = await PopClient.loggedIn(port);
    const other = await PopClient.greeted(port);
    t.after(() => other.close());
    other.send('USER bob', 'PASS bob');
    await other.ok();
    await other.err(/^-ERR \[IN-USE\] Mailbox is locked by another session$/);
    assert.match(tracer.ofKind('auth.failed')[0]!.data.reason, /locked/);
    other.send('USER alice', 'PASS alice');
    await other.ok();
    await other.ok(/Logged in/);

    holder.send('QUIT');
    await holder.ok();
    const again = await PopClient.loggedIn(port);
    again.close();
    await nextEvent(tracer, 'session.closed', (e) => e.data.reason === 'client');
    const last = await PopClient.loggedIn(port);
    t.after(() => last.close());
  });

  test('wrong state, unknown command, overlong line, too many errors', async (t) => {
    const { port } = await startPop3(t, makeStore(t));
    const pop = await PopClient.greeted(port);
    t.after(() => pop.close());
    pop.send('STAT');
    await pop.err(/Log in first/);
    pop.send('XYZZY');
    await pop.err(/^-ERR Unknown command$/);
    pop.send(`NOOP ${'x'.repeat(2000)}`);
    await pop.err(/^-ERR Line too long$/);
    pop.write('USER ' + 'y'.repeat(3000));
    pop.write('y'.repeat(3000) + '\r\nNOOP\r\n');
    await pop.err(/^-ERR Line too long$/);
    await pop.ok(/^\+OK$/);
    pop.send('USER bob', 'PASS bob', 'USER bob');
    await pop.ok();
    await pop.ok(/Logged in/);
    await pop.err(/Not allowed after login/);
    pop.send('RETR', 'RETR x', 'TOP 1', 'LIST 1 2');
    await pop.err(/Syntax: RETR msg/);
    await pop.err(/Invalid message number/);
    await pop.err(/Syntax: TOP msg n/);
    await pop.err(/Syntax: LIST/);
    // That was the ninth client error; the tenth ends the session.
    pop.send('BAD1', 'NOOP');
    await pop.err(/^-ERR Unknown command; too many errors, closing connection$/);
    await pop.closed;
    assert.equal(pop.unread().length, 0, 'nothing after the closing -ERR');
  });

  test('idle timeout closes without a reply and keeps DELE marks unapplied', async (t) => {
    const store = await seeded(t);
    const { port, tracer } = await startPop3(t, store, { idleTimeoutMs: 150 });
    const pop = await PopClient.loggedIn(port);
    pop.send('DELE 1');
    await pop.ok();
    await pop.closed;
    assert.equal(pop.unread().length, 0, 'no reply on autologout');
    assert.equal((await nextEvent(tracer, 'session.closed')).data.reason, 'timeout');
    assert.equal(store.listMessages(BOB, 'INBOX').length, MESSAGES.length);
  });
});

describe('Pop3Server: STLS', () => {
  test('plaintext login refused before STLS, allowed after; pipelined input after STLS discarded', async (t) => {
    const { port, tracer } = await startPop3(t, await seeded(t), { tls: pems, allowInsecureAuth: () => false });
    const pop = await PopClient.greeted(port);
    t.after(() => pop.close());
    pop.send('CAPA', 'USER bob', `AUTH PLAIN ${b64('\0bob\0bob')}`, 'AUTH');
    const before = await pop.lines();
    assert.ok(before.includes('STLS'));
    assert.ok(!before.includes('USER') && !before.includes('SASL PLAIN'));
    await pop.err(/^-ERR \[AUTH\] Plaintext authentication disallowed on non-secure connections; use STLS first$/);
    await pop.err(/\[AUTH\] Plaintext .*STLS/);
    assert.deepEqual(await pop.lines(), []);

    pop.write('STLS\r\nUSER bob\r\n');
    await pop.ok(/Begin TLS/);
    await pop.startTls();
    pop.send('PASS bob', 'CAPA', 'STLS');
    await pop.err(/USER first/);
    const after = await pop.lines();
    assert.ok(after.includes('USER') && after.includes('SASL PLAIN') && !after.includes('STLS'));
    await pop.err(/Already using TLS/);
    pop.send('USER bob', 'PASS bob', 'STAT');
    await pop.ok();
    await pop.ok(/Logged in, 4 messages/);
    await pop.ok(/^\+OK 4 /);
    assert.equal(tracer.ofKind('tls.started')[0]!.data.protocol, 'pop3');
    assert.equal(tracer.ofKind('auth.succeeded')[0]!.data.user, BOB);
  });
});
