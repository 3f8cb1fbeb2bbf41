import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

const ALICE_PLAIN = Buffer.from('\0alice\0alice').toString('base64');

async function sendAsAlice(lab: TestWorld, rcpt: string, subject: string): Promise<string> {
  const talk = await SmtpTalk.open(lab.world.portOf('mta', 'submission'));
  try {
    await talk.reply();
    await talk.send('EHLO client.example');
    assert.match(await talk.send(`AUTH PLAIN ${ALICE_PLAIN}`), /^235 /);
    assert.match(await talk.send('MAIL FROM:<alice@siroe.example>'), /^250 /);
    assert.match(await talk.send(`RCPT TO:${rcpt}`), /^250 /);
    assert.match(await talk.send('DATA'), /^354 /);
    talk.write(`Subject: ${subject}\r\nMessage-ID: <${Date.now()}@siroe.example>\r\n\r\nbody\r\n.\r\n`);
    const queueId = /queued as (msg_\w+)/.exec(await talk.reply())?.[1];
    assert.ok(queueId);
    return queueId;
  } finally {
    await talk.close();
  }
}

/** The notice in alice's INBOX for this DSN. */
async function noticeFor(lab: TestWorld, dsnQueueId: string): Promise<string> {
  const stored = await lab.waitFor('mailbox.stored', (e) => e.traceId === dsnQueueId);
  assert.equal(stored.data.address, 'alice@siroe.example');
  const store = lab.world.storeFor('alice@siroe.example')!;
  return store.getMessage('alice@siroe.example', stored.data.folder, stored.data.uid)!.raw.toString();
}

describe('delivery status notices besides bounces (RFC 3461, RFC 3464)', () => {
  test('NOTIFY=SUCCESS: the sender hears of the final delivery', async (t) => {
    const lab = await startTestWorld();
    t.after(() => lab.close());
    const id = await sendAsAlice(lab, '<bob@siroe.example> NOTIFY=SUCCESS', 'Tell me when it arrives');
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === id);
    assert.equal(dsn.data.action, 'delivered');
    assert.deepEqual(dsn.data.recipients, ['bob@siroe.example']);
    const notice = await noticeFor(lab, dsn.data.dsnQueueId);
    assert.match(notice, /^Subject: Successful Mail Delivery Report/m);
    assert.match(notice, /Final-Recipient: rfc822; bob@siroe\.example\r\nAction: delivered\r\nStatus: 2\.0\.0/);
    assert.match(notice, /Subject: Tell me when it arrives/, 'the original headers come back');
  });

  test('no NOTIFY: no success notice', async (t) => {
    const lab = await startTestWorld();
    t.after(() => lab.close());
    const id = await sendAsAlice(lab, '<bob@siroe.example>', 'Quiet success');
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === id);
    assert.equal(lab.events().filter((e) => e.kind === 'dsn.generated').length, 0);
  });

  test('a delay warning goes out once the message is older than delayWarningMinutes, and delivery goes on', async (t) => {
    const lab = await startTestWorld({
      clock: { kind: 'stepped' },
      change: (spec) => ({
        ...spec,
        settings: { ...spec.settings, retryScheduleMinutes: [1, 2, 4], delayWarningMinutes: [2] },
      }),
    });
    t.after(() => lab.close());
    lab.world.faults.add({ kind: 'down', target: 'smarthost.siroe.example' });
    await lab.world.settledFaults();
    const id = await sendAsAlice(lab, '<erin@example.com>', 'Slowly');
    await lab.waitFor('delivery.deferred', (e) => e.data.queueId === id && e.data.attempt === 1);
    lab.world.clock.advance(60_000); // age 1 min: below the warning age
    await lab.waitFor('delivery.deferred', (e) => e.data.queueId === id && e.data.attempt === 2);
    assert.equal(lab.events().filter((e) => e.kind === 'dsn.generated').length, 0);
    lab.world.clock.advance(120_000); // age 3 min: the 2-minute warning age has passed
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === id);
    assert.equal(dsn.data.action, 'delayed');
    const notice = await noticeFor(lab, dsn.data.dsnQueueId);
    assert.match(notice, /^Subject: Delayed Mail \(still being retried\)/m);
    assert.match(notice, /Action: delayed\r\nStatus: 4\.\d+\.\d+/);
    assert.equal(lab.world.queue.get(id)?.status, 'queued', 'still queued: a warning is not a bounce');
    lab.world.clock.advance(240_000); // age 7 min: no second warning for the same age
    await lab.waitFor('message.held', (e) => e.data.queueId === id);
    const delayed = lab.events().filter((e) => e.kind === 'dsn.generated' && e.data.action === 'delayed');
    assert.equal(delayed.length, 1);
  });
});
