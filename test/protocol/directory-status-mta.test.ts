import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import type { UserSpec } from '../../server/api/world-spec.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

/**
 * The site MTA honours every mailUserStatus, at RCPT time and again at delivery
 * time. The statuses come from the world spec here (the world does not hand its
 * directory thread to tests); a group whose members have them shows the delivery
 * side, since RCPT to the group itself is accepted and its members are routed later.
 */

const STATUSES = ['inactive', 'disabled', 'removed', 'hold', 'overquota'] as const;

function userWith(status: (typeof STATUSES)[number]): UserSpec {
  return {
    uid: status,
    cn: `User ${status}`,
    mail: `${status}@siroe.example`,
    mailHost: 'mailboxa.siroe.example',
    // The spec schema knows only active | inactive so far; the directory stores any word.
    status: status as UserSpec['status'],
  };
}

function queueIdOf(response: string): string {
  const m = /queued as (msg_\w+)/.exec(response);
  assert.ok(m, `no queue id in "${response}"`);
  return m[1]!;
}

describe('MTA: mailUserStatus at RCPT and at delivery', () => {
  let lab: TestWorld;
  let inboundPort: number;

  before(async () => {
    lab = await startTestWorld({
      change: (spec) => {
        spec.users.push(...STATUSES.map(userWith));
        spec.groups.push({
          cn: 'statuses',
          mail: 'statuses@siroe.example',
          members: [...STATUSES.map((s) => `${s}@siroe.example`), 'alice@siroe.example'],
        });
        return spec;
      },
    });
    inboundPort = lab.world.portOf('mta', 'smtp');
  });
  after(() => lab.close());

  test('RCPT replies follow the status', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    try {
      await talk.reply();
      await talk.send('EHLO mx.example.com');
      assert.match(await talk.send('MAIL FROM:<erin@example.com>'), /^250 /);
      const rcpt = (user: string) => talk.send(`RCPT TO:<${user}@siroe.example>`);
      assert.match(await rcpt('inactive'), /^450 4\.2\.1 <inactive@siroe\.example>: mailbox temporarily unavailable/);
      assert.match(await rcpt('disabled'), /^550 5\.2\.1 <disabled@siroe\.example>: mailbox disabled/);
      assert.match(await rcpt('removed'), /^550 5\.2\.1 <removed@siroe\.example>: mailbox disabled/);
      assert.match(await rcpt('overquota'), /^452 4\.2\.2 <overquota@siroe\.example>: mailbox full/);
      assert.match(await rcpt('hold'), /^250 /, 'a held user is accepted: the mail waits in the queue');
      assert.match(await rcpt('alice'), /^250 /);
      assert.match(await talk.send('QUIT'), /^221 /);
    } finally {
      talk.close();
    }
  });

  test('at delivery: inactive, overquota and hold wait; disabled and removed bounce; active is delivered', async () => {
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'statuses@siroe.example', subject: 'Status round', text: 'hi' });
    const queueId = queueIdOf(info.response);
    const of = (address: string) => (e: { data: { queueId: string; recipient: string } }) =>
      e.data.queueId === queueId && e.data.recipient === address;

    const inactive = await lab.waitFor('delivery.deferred', of('inactive@siroe.example'));
    assert.equal(inactive.data.code, 450);
    assert.match(inactive.data.text, /^4\.2\.1 <inactive@siroe\.example>: mailbox temporarily unavailable/);
    const overquota = await lab.waitFor('delivery.deferred', of('overquota@siroe.example'));
    assert.equal(overquota.data.code, 452);
    assert.match(overquota.data.text, /^4\.2\.2 .*mailbox full/);
    const held = await lab.waitFor('delivery.deferred', of('hold@siroe.example'));
    assert.match(held.data.text, /held for hold \(mailUserStatus hold\)/);
    assert.ok((held.data.nextAttemptAt ?? 0) > held.at, 'retried later, on the schedule');

    for (const address of ['disabled@siroe.example', 'removed@siroe.example']) {
      const failed = await lab.waitFor('delivery.failed', of(address));
      assert.equal(failed.data.code, 550);
      assert.match(failed.data.text ?? '', /5\.2\.1 .*mailbox disabled/);
    }
    await lab.waitFor('delivery.succeeded', of('alice@siroe.example'));
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === queueId && e.data.action === 'failed');
    assert.deepEqual([...dsn.data.recipients].sort(), ['disabled@siroe.example', 'removed@siroe.example']);

    const queued = lab.world.queue.get(queueId);
    const byAddress = new Map(queued?.recipients.map((r) => [r.address, r.status]));
    assert.equal(byAddress.get('hold@siroe.example'), 'pending', 'the held recipient stays in the queue');
    assert.equal(byAddress.get('inactive@siroe.example'), 'pending');
    assert.equal(byAddress.get('disabled@siroe.example'), 'failed');
    assert.equal(byAddress.get('alice@siroe.example'), 'delivered');
    const stored = lab.world.stores.get('mailboxa.siroe.example')!.store;
    assert.ok(!stored.listMessages('hold@siroe.example', 'INBOX').some((m) => m.subject === 'Status round'));
    assert.ok(stored.listMessages('alice@siroe.example', 'INBOX').some((m) => m.subject === 'Status round'));
  });

  test('the first pass routes with the RCPT-time entry; a retry searches the directory again', async () => {
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'hold@siroe.example', subject: 'Held once', text: 'hi' });
    const queueId = queueIdOf(info.response);
    const mine = (e: { data: { queueId: string } }) => e.data.queueId === queueId;
    const searches = () =>
      lab.events(queueId).flatMap((e) => (e.kind === 'directory.searched' ? [e.data.purpose] : []));

    const first = await lab.waitFor('delivery.deferred', mine);
    assert.deepEqual(searches(), ['rcpt check'], 'the first pass decided with the entry RCPT found');

    lab.world.queue.retryNow(queueId);
    lab.world.kickDelivery();
    await lab.waitFor('delivery.deferred', (e) => mine(e) && e.seq > first.seq);
    assert.deepEqual(searches(), ['rcpt check', 'route'], 'a later pass reads the directory again');
  });

  test('an entry RCPT found long before the end of DATA is not trusted: the first pass searches again', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    let queueId: string;
    try {
      await talk.reply();
      await talk.send('EHLO slow.example.com');
      await talk.send('MAIL FROM:<erin@example.com>');
      assert.match(await talk.send('RCPT TO:<alice@siroe.example>'), /^250 /);
      lab.world.clock.advance(60_000); // a minute of world time between RCPT and the end of DATA
      assert.match(await talk.send('DATA'), /^354 /);
      queueId = queueIdOf(await talk.send('Subject: Slow\r\n\r\nhi\r\n.'));
      await talk.send('QUIT');
    } finally {
      talk.close();
    }
    await lab.waitFor('delivery.succeeded', (e) => e.data.queueId === queueId);
    const purposes = lab.events(queueId).flatMap((e) => (e.kind === 'directory.searched' ? [e.data.purpose] : []));
    assert.deepEqual(purposes, ['rcpt check', 'route']);
  });
});
