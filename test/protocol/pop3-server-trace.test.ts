import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOB, PopClient, startPop3 } from '../helpers/pop3-fixture.js';
import { seeded } from '../helpers/pop3-messages.js';

test('RETR and TOP each give one mailbox.fetched; XCLIENT NODE draws it towards the proxy', async (t) => {
  const { port, tracer } = await startPop3(t, await seeded(t));
  const pop = await PopClient.greeted(port);
  t.after(() => pop.close());
  pop.send('CAPA');
  assert.ok((await pop.lines()).includes('XCLIENT'), 'offered to a loopback peer');
  pop.send('XCLIENT ADDR=192.0.2.7 PORT=51000 SESSION=mmp-pop3-1 NODE=mmp.siroe.example', 'XCLIENT broken');
  await pop.ok(/^\+OK$/);
  await pop.err(/Syntax/);
  pop.send('USER bob', 'PASS bob', 'XCLIENT NODE=late.example');
  await pop.ok();
  await pop.ok(/Logged in/);
  await pop.err(/Not allowed after login/);
  pop.send('RETR 1', 'TOP 2 0', 'STAT');
  const retr = await pop.multiline();
  const top = await pop.multiline();
  await pop.ok();
  const events = tracer.ofKind('mailbox.fetched');
  assert.deepEqual(
    events.map((e) => [e.data.protocol, e.data.user, e.data.folder, e.data.messages, e.node, e.from, e.to]),
    [
      ['pop3', BOB, 'INBOX', 1, 'mailboxa.siroe.example', 'mailboxa.siroe.example', 'mmp.siroe.example'],
      ['pop3', BOB, 'INBOX', 1, 'mailboxa.siroe.example', 'mailboxa.siroe.example', 'mmp.siroe.example'],
    ],
  );
  assert.ok(events[0]!.data.sizeBytes >= retr.body.length && events[1]!.data.sizeBytes >= top.body.length);
  assert.ok(events[1]!.data.sizeBytes < events[0]!.data.sizeBytes + 1000);
});

test('XCLIENT from a peer that is not trusted is refused and not offered', async (t) => {
  const { port, tracer } = await startPop3(t, await seeded(t), { trustXclient: () => false });
  const pop = await PopClient.greeted(port);
  t.after(() => pop.close());
  pop.send('CAPA');
  assert.ok(!(await pop.lines()).includes('XCLIENT'));
  pop.send('XCLIENT NODE=evil.example', 'USER bob', 'PASS bob', 'RETR 1');
  await pop.err(/not allowed/);
  await pop.ok();
  await pop.ok();
  await pop.multiline();
  const [event] = tracer.ofKind('mailbox.fetched');
  assert.deepEqual([event?.from, event?.to], [undefined, undefined]);
});
