import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertStoryline, startTestWorld } from '../helpers/test-world.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

const ALICE_PLAIN = Buffer.from('\0alice\0alice').toString('base64');

/** An authenticated submission session for alice, ready for MAIL FROM. */
async function aliceSession(port: number): Promise<SmtpTalk> {
  const talk = await SmtpTalk.open(port);
  await talk.reply();
  await talk.send('EHLO client.example');
  assert.match(await talk.send(`AUTH PLAIN ${ALICE_PLAIN}`), /^235 /);
  return talk;
}

async function send(talk: SmtpTalk, rcpt: string, subject: string): Promise<string> {
  assert.match(await talk.send('MAIL FROM:<alice@siroe.example>'), /^250 /);
  assert.match(await talk.send(`RCPT TO:${rcpt}`), /^250 /);
  assert.match(await talk.send('DATA'), /^354 /);
  talk.write(`Subject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@siroe.example>\r\n\r\nbody\r\n.\r\n`);
  const reply = await talk.reply();
  const queueId = /queued as (msg_\w+)/.exec(reply)?.[1];
  assert.ok(queueId, reply);
  return queueId;
}

describe('retries on the world clock, bounces and loops', () => {
  test('retries follow the schedule; after the last the message is HELD and the sender gets a DSN (RFC 3464)', async (t) => {
    const lab = await startTestWorld({
      clock: { kind: 'stepped' },
      change: (spec) => ({ ...spec, settings: { ...spec.settings, retryScheduleMinutes: [1, 2] } }),
    });
    t.after(() => lab.close());
    // example.com is down: both of its MX hosts refuse connections. The site MTA hands
    // the message to the smarthost at once; it is the smarthost that must wait and retry.
    lab.world.faults.add({ kind: 'down', target: 'example.com' });
    await lab.world.settledFaults();
    const talk = await aliceSession(lab.world.portOf('mta', 'submission'));
    t.after(() => talk.close());
    await send(talk, '<erin@example.com>', 'Far away');
    const relayed = await lab.waitFor('delivery.succeeded', (e) => e.data.recipient === 'erin@example.com');
    assert.equal(relayed.data.host, 'smarthost.siroe.example');
    const smarthost = lab.world.peers.mtas.get('smarthost.siroe.example')!;
    const first = await lab.waitFor('delivery.deferred', (e) => e.node === smarthost.name && e.data.attempt === 1);
    const id = first.data.queueId;
    assert.match(first.data.text, /mx1\.example\.com.*refused.*mx2\.example\.com.*refused/s);
    // Nothing happens until the world clock moves: a stepped clock holds retries back.
    assert.equal(first.data.nextAttemptAt, lab.world.clock.now() + 60_000);
    lab.world.clock.advance(60_000);
    await lab.waitFor('delivery.deferred', (e) => e.data.queueId === id && e.data.attempt === 2);
    lab.world.clock.advance(120_000);
    const held = await lab.waitFor('message.held', (e) => e.data.queueId === id);
    assert.match(held.data.reason, /retries exhausted for erin@example\.com/);
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === id);
    assert.equal(dsn.causedBy, id);
    assertStoryline(lab.events(id), ['delivery.deferred', 'delivery.deferred', 'delivery.deferred', 'message.held']);
    assert.equal(smarthost.queue.get(id)?.status, 'held', 'kept on the disk queue, not deleted');
    // The DSN travels back from the smarthost to the site's MX, and into alice's INBOX.
    const stored = await lab.waitFor('mailbox.stored', (e) => e.data.address === 'alice@siroe.example');
    assert.equal(stored.data.folder, 'INBOX', 'the bounce passes SPF (HELO) and DMARC at the site MX');
    const store = lab.world.storeFor('alice@siroe.example')!;
    const bounce = store.getMessage('alice@siroe.example', 'INBOX', stored.data.uid)!.raw.toString();
    assert.match(bounce, /^Return-Path: <>/m, 'a bounce comes from the null sender');
    assert.match(bounce, /Reporting-MTA: dns; smarthost\.siroe\.example/);
    assert.match(bounce, /Final-Recipient: rfc822; erin@example\.com\r\nAction: failed\r\nStatus: 4\.\d+\.\d+/);
    assert.match(bounce, /Subject: Far away/, 'the original headers come back');

    // The far end comes back; the operator releases the held message and it goes out.
    const [fault] = lab.world.faults.list();
    lab.world.faults.remove(fault!.id);
    await lab.world.settledFaults();
    smarthost.queue.release(id);
    smarthost.scheduler.kick();
    const delivered = await lab.waitFor('mailbox.stored', (e) => e.data.address === 'erin@example.com');
    assert.equal(delivered.node, 'mx1.example.com');
  });

  test('a forwarding loop is detected and bounced (5.4.6), not silently kept', async (t) => {
    const lab = await startTestWorld({
      change: (spec) => {
        const forwarder = (uid: string, to: string) => ({
          uid,
          cn: uid,
          mail: `${uid}@siroe.example`,
          mailHost: 'mailboxa.siroe.example',
          deliveryOptions: ['forward' as const],
          forwardingAddresses: [`${to}@siroe.example`],
        });
        spec.users.push(forwarder('pa', 'pb'), forwarder('pb', 'pa'));
        return spec;
      },
    });
    t.after(() => lab.close());
    const talk = await aliceSession(lab.world.portOf('mta', 'submission'));
    t.after(() => talk.close());
    const id = await send(talk, '<pa@siroe.example>', 'Round and round');
    const failed = await lab.waitFor('delivery.failed', (e) => e.data.queueId === id);
    assert.match(failed.data.text, /^5\.4\.6 .*routing loop/);
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === id);
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === id);
    await lab.waitFor('mailbox.stored', (e) => e.traceId === dsn.data.dsnQueueId);
    assert.equal(lab.world.queue.get(id)?.status, 'done');
  });

  test('NOTIFY=NEVER: the failure is recorded and no bounce is sent (RFC 3461)', async (t) => {
    const lab = await startTestWorld();
    t.after(() => lab.close());
    // The smarthost refuses the recipient for good: the site MTA fails it at once.
    lab.world.faults.add({ kind: 'reply', target: 'smarthost.siroe.example', command: 'RCPT', code: 550 });
    const talk = await aliceSession(lab.world.portOf('mta', 'submission'));
    t.after(() => talk.close());
    const id = await send(talk, '<erin@example.com> NOTIFY=NEVER', 'Quietly');
    const failed = await lab.waitFor('delivery.failed', (e) => e.data.queueId === id);
    assert.equal(failed.data.code, 550);
    const done = await lab.waitFor('message.dequeued', (e) => e.data.queueId === id);
    assert.equal(done.data.outcome, 'failed');
    assert.deepEqual(
      lab.events().filter((e) => e.kind === 'dsn.generated'),
      [],
    );
    assert.ok(lab.events().some((e) => e.kind === 'fault.applied' && e.node === 'smarthost.siroe.example'));
  });

  test('stopping the world during a commit still answers 250 before 421', async (t) => {
    const lab = await startTestWorld();
    const talk = await aliceSession(lab.world.portOf('mta', 'submission'));
    t.after(() => talk.close());
    await talk.send('MAIL FROM:<alice@siroe.example>');
    await talk.send('RCPT TO:<bob@siroe.example>');
    await talk.send('DATA');
    talk.write('Subject: last one\r\n\r\nbody\r\n.\r\n');
    // The verdict comes just before the queue commit: stop the world right then.
    await lab.waitFor('verdict.given');
    const stopped = lab.close();
    assert.match(await talk.reply(), /^250 2\.0\.0 Ok: queued as msg_/);
    assert.match(await talk.reply(), /^421 4\.3\.2/);
    await stopped;
  });
});
