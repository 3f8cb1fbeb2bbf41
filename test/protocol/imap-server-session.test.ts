import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { b64, ImapClient, makeStore, makeTlsPems, startImap } from '../helpers/imap-fixture.js';
import type { TlsPems } from '../helpers/pop3-fixture.js';

let pems: TlsPems;
before(async () => {
  pems = await makeTlsPems();
});

test('greeting, CAPABILITY, NOOP, LOGOUT', async (t) => {
  const { port, tracer } = await startImap(t, makeStore(t));
  const { client, greeting } = await ImapClient.greeted(port);
  assert.match(
    greeting,
    /LITERAL\+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT SPECIAL-USE CHILDREN CONDSTORE UTF8=ACCEPT QUOTA QUOTA=RES-STORAGE AUTH=PLAIN\]/,
  );
  const caps = await client.ok('CAPABILITY');
  assert.deepEqual(caps, [greeting.slice('* OK ['.length, greeting.indexOf(']')).replace(/^/, '* ')]);
  assert.deepEqual(await client.ok('NOOP'), []);
  const bye = await client.run('LOGOUT');
  assert.match(bye.untagged[0]!, /^\* BYE /);
  assert.match(bye.status, /^OK/);
  await client.closed;
  assert.equal(tracer.ofKind('session.opened').length, 1);
});

test('LOGIN: success, wrong password, commands before login', async (t) => {
  const { port, tracer } = await startImap(t, makeStore(t));
  const { client } = await ImapClient.greeted(port);
  assert.match((await client.run('SELECT INBOX')).status, /^BAD Log in first/);
  assert.equal((await client.run('LOGIN bob wrong')).status, 'NO [AUTHENTICATIONFAILED] Authentication failed');
  const ok = await client.run('LOGIN "bob" {3+}\r\nbob');
  assert.match(ok.status, /^OK \[CAPABILITY IMAP4rev1 [^\]]*\] Logged in$/);
  assert.doesNotMatch(ok.status, /AUTH=PLAIN/);
  assert.match((await client.run('LOGIN bob bob')).status, /^BAD/);
  assert.equal(tracer.ofKind('auth.failed')[0]?.data.protocol, 'imap');
  assert.equal(tracer.ofKind('auth.succeeded')[0]?.data.user, 'bob');
  client.close();
});

test('AUTHENTICATE PLAIN with SASL-IR and with a continuation', async (t) => {
  const { port } = await startImap(t, makeStore(t));
  const { client } = await ImapClient.greeted(port);
  assert.match((await client.run(`AUTHENTICATE PLAIN ${b64('\0bob\0nope')}`)).status, /^NO \[AUTHENTICATIONFAILED\]/);
  client.write('a9 AUTHENTICATE PLAIN\r\n');
  assert.equal(await client.response(), '+ ');
  client.write(`${b64('\0bob\0bob')}\r\n`);
  assert.match((await client.until('a9')).status, /^OK \[CAPABILITY /);
  assert.deepEqual(await client.ok('NAMESPACE'), ['* NAMESPACE (("" "/")) NIL NIL']);
  client.close();

  const second = (await ImapClient.greeted(port)).client;
  second.write('b1 AUTHENTICATE PLAIN\r\n');
  await second.response();
  second.write('*\r\n');
  assert.match((await second.until('b1')).status, /^BAD/);
  assert.match((await second.run(`AUTHENTICATE PLAIN ${b64('\0bob\0bob')}`)).status, /^OK/);
  second.close();
});

test('LOGINDISABLED without TLS when plaintext is not allowed; STARTTLS enables login', async (t) => {
  const { port, tracer } = await startImap(t, makeStore(t), { allowInsecureAuth: () => false, tls: pems });
  const { client, greeting } = await ImapClient.greeted(port);
  assert.match(greeting, / STARTTLS LOGINDISABLED\]/);
  assert.doesNotMatch(greeting, /AUTH=PLAIN/);
  assert.match((await client.run('LOGIN bob bob')).status, /^NO \[PRIVACYREQUIRED\]/);
  assert.match((await client.run(`AUTHENTICATE PLAIN ${b64('\0bob\0bob')}`)).status, /^NO \[PRIVACYREQUIRED\]/);
  assert.match((await client.run('STARTTLS')).status, /^OK/);
  await client.startTls();
  const caps = await client.ok('CAPABILITY');
  assert.match(caps[0]!, /AUTH=PLAIN$/);
  assert.doesNotMatch(caps[0]!, /STARTTLS|LOGINDISABLED/);
  await client.ok('LOGIN bob bob');
  assert.equal(tracer.ofKind('tls.started').length, 1);
  client.close();
});

test('ID, ENABLE, GETQUOTAROOT, XLIST is BAD', async (t) => {
  const { port } = await startImap(t, makeStore(t));
  const client = await ImapClient.loggedIn(port);
  assert.match((await client.ok('ID ("name" "Thunderbird" "version" "153")'))[0]!, /^\* ID \("name" "Mailscope"/);
  assert.deepEqual(await client.ok('ENABLE UTF8=ACCEPT X-UNKNOWN'), ['* ENABLED UTF8=ACCEPT']);
  assert.deepEqual(await client.ok('ENABLE UTF8=ACCEPT'), ['* ENABLED'], 'already on: not listed again');
  assert.deepEqual(await client.ok('GETQUOTAROOT INBOX'), ['* QUOTAROOT "INBOX" ""', '* QUOTA "" (STORAGE 0 102400)']);
  assert.match((await client.run('xlist "" "%"')).status, /^BAD/);
  await client.ok('NOOP');
  client.close();
});

test('malformed commands get BAD and the session goes on; a huge literal gets NO [TOOBIG]', async (t) => {
  const { port } = await startImap(t, makeStore(t), { maxLiteralBytes: 1000 });
  const client = await ImapClient.loggedIn(port);
  client.write('\r\n');
  assert.match(await client.response(), /^\* BAD/);
  assert.match((await client.run('FROB')).status, /^BAD/);
  assert.match((await client.run('LIST "unterminated')).status, /^BAD/);
  assert.match((await client.run('FETCH 1 FLAGS')).status, /^BAD/); // not selected
  assert.match((await client.run('APPEND INBOX {5000}')).status, /^NO \[TOOBIG\]/);
  client.write('a77 APPEND INBOX {5000+}\r\n');
  client.write(Buffer.alloc(5000, 0x41));
  client.write('\r\n');
  assert.match((await client.until('a77')).status, /^NO \[TOOBIG\]/);
  const lines = 'x'.repeat(100 * 1024);
  assert.match((await client.run(`NOOP ${lines}`)).status, /^BAD Line too long/);
  await client.ok('NOOP');
  client.close();
});

test('autologout after the idle timeout, and a client gone mid-literal or mid-IDLE', async (t) => {
  const { port, tracer, server } = await startImap(t, makeStore(t), { idleTimeoutMs: 100 });
  const quiet = await ImapClient.loggedIn(port);
  assert.match(await quiet.response(), /^\* BYE Autologout/);
  await quiet.closed;
  const idling = await ImapClient.loggedIn(port);
  idling.write('i1 IDLE\r\n');
  await idling.response();
  idling.close();
  const appending = await ImapClient.loggedIn(port);
  appending.write('x1 APPEND INBOX {100+}\r\nonly part');
  appending.close();
  await idling.closed;
  await appending.closed;
  while (server.connectionCount > 0) await new Promise((resolve) => setImmediate(resolve));
  const reasons = tracer.ofKind('session.closed').map((e) => e.data.reason);
  assert.ok(reasons.includes('timeout'));
});
