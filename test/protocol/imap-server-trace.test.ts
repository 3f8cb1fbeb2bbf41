import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapClient, startImap } from '../helpers/imap-fixture.js';
import { seeded, SIMPLE, MULTIPART } from '../helpers/pop3-messages.js';

const NODE = 'mailboxa.siroe.example';

test('imap.command: every command but the per-message ones; those sampled 1st, 101st, 201st…', async (t) => {
  const { port, tracer } = await startImap(t, await seeded(t));
  const client = await ImapClient.loggedIn(port, 'bob', 'bob');
  await client.ok('SELECT INBOX');
  for (let i = 0; i < 250; i++) await client.ok('NOOP');
  for (let i = 0; i < 150; i++) await client.ok('UID FETCH 1 (FLAGS)');
  await client.ok('FETCH 1 (UID)');
  assert.match((await client.run('FETCH 99 (UID)')).status, /^BAD/);
  assert.match((await client.run('FROB now')).status, /^BAD/);
  client.write('x1 APPEND Sent {5+}\r\nhello\r\n');
  assert.match((await client.until('x1')).status, /^OK/);
  const events = tracer.ofKind('imap.command');
  const seen = events.map((e) => `${e.data.command} ${e.data.status}`);
  assert.deepEqual(seen, [
    'LOGIN OK',
    'SELECT OK',
    'NOOP OK',
    'NOOP OK',
    'NOOP OK',
    'UID FETCH OK',
    'UID FETCH OK',
    'FETCH OK',
    'FETCH BAD',
    'FROB BAD',
    'APPEND OK',
  ]);
  const [login, select] = events;
  assert.deepEqual(login!.data, {
    sessionId: login!.data.sessionId,
    tag: 'a1',
    command: 'LOGIN',
    args: 'bob ***',
    status: 'OK',
    user: 'bob@siroe.example',
  });
  assert.equal(select!.data.args, 'INBOX');
  assert.equal(events.at(-1)!.data.args, 'Sent {5}', 'a literal is shown by its size, not copied');
  assert.ok(!JSON.stringify(events).includes('"bob"'), 'no password');
  assert.ok(events.every((e) => e.node === NODE && e.from === undefined && e.to === undefined));
  assert.equal(events.filter((e) => e.data.command === 'NOOP').length, 3);
  client.close();
});

test('mailbox.fetched: one per FETCH that sent message data, after the reply; drawn to a trusted proxy', async (t) => {
  const store = await seeded(t);
  const { port, tracer } = await startImap(t, store);
  const { client } = await ImapClient.greeted(port);
  await client.ok('ID ("x-proxy-node" "mmp.siroe.example" "x-session-ext-id" "mmp-imap-7")');
  await client.ok('LOGIN bob bob');
  // After login the proxy relays its client's commands: a client cannot rename the proxy.
  await client.ok('ID ("x-proxy-node" "spoofed.example")');
  await client.ok('SELECT INBOX');
  await client.ok('UID FETCH 1:* (UID FLAGS RFC822.SIZE)');
  assert.equal(tracer.ofKind('mailbox.fetched').length, 0, 'flags and sizes are not message data');
  const fetched = await client.ok('UID FETCH 1:2 (BODY.PEEK[])');
  const events = tracer.ofKind('mailbox.fetched');
  assert.equal(events.length, 1);
  const bytes = fetched.reduce((sum, line) => sum + Buffer.byteLength(line) + 2, 0);
  assert.deepEqual(events[0]!.data, {
    sessionId: events[0]!.data.sessionId,
    protocol: 'imap',
    user: 'bob@siroe.example',
    folder: 'INBOX',
    messages: 2,
    sizeBytes: bytes,
  });
  assert.ok(bytes > SIMPLE.length + MULTIPART.length);
  assert.deepEqual([events[0]!.node, events[0]!.from, events[0]!.to], [NODE, NODE, 'mmp.siroe.example']);
  await client.ok('FETCH 1 (ENVELOPE)');
  assert.equal(tracer.ofKind('mailbox.fetched').length, 2, 'ENVELOPE is read from the header');
  const command = tracer.ofKind('imap.command').at(-1)!;
  assert.deepEqual([command.from, command.to], ['mmp.siroe.example', NODE]);
  client.close();
});

test('an ID x-proxy-node from an untrusted peer is ignored', async (t) => {
  const { port, tracer } = await startImap(t, await seeded(t), { trustProxyId: () => false });
  const { client } = await ImapClient.greeted(port);
  await client.ok('ID ("x-proxy-node" "evil.example")');
  await client.ok('LOGIN bob bob');
  await client.ok('SELECT INBOX');
  await client.ok('FETCH 1 (BODY.PEEK[TEXT])');
  const [event] = tracer.ofKind('mailbox.fetched');
  assert.deepEqual([event?.from, event?.to], [undefined, undefined]);
  assert.match((await client.run('ID ("odd")')).status, /^BAD/);
  client.close();
});
