import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { assertStoryline, startTestWorld, type TestWorld } from '../helpers/test-world.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

function queueIdOf(response: string): string {
  const m = /queued as (msg_\w+)/.exec(response);
  assert.ok(m, `no queue id in "${response}"`);
  return m[1]!;
}

describe('MTA: submission, inbound, routing and local delivery', () => {
  let lab: TestWorld;
  let submissionPort: number;
  let inboundPort: number;

  before(async () => {
    lab = await startTestWorld({
      change: (spec) => {
        // A user who forwards to carol and keeps a copy, for the forwarding test.
        spec.users.push({
          uid: 'fred',
          cn: 'Fred Fox',
          mail: 'fred@siroe.example',
          mailHost: 'mailboxa.siroe.example',
          deliveryOptions: ['forward', 'mailbox'],
          forwardingAddresses: ['carol@siroe.example'],
        });
        spec.settings.maxMessageSizeBytes = 64 * 1024;
        return spec;
      },
    });
    submissionPort = lab.world.portOf('mta', 'submission');
    inboundPort = lab.world.portOf('mta', 'smtp');
  });
  after(() => lab.close());

  const submit = (user: string, pass: string) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: submissionPort,
      secure: false,
      auth: { user, pass },
      tls: { rejectUnauthorized: false },
    });

  test('an authenticated submission reaches the right store, and the trace tells the whole story', async () => {
    const info = await submit('alice', 'alice').sendMail({
      from: 'alice@siroe.example',
      to: 'bob@siroe.example',
      subject: 'Hello Bob',
      text: 'Lunch at noon?',
    });
    const queueId = queueIdOf(info.response);
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
    assertStoryline(lab.events(queueId), [
      'directory.searched',
      'verdict.given',
      'message.accepted',
      'message.queued',
      'route.resolved',
      'delivery.attempted',
      'mailbox.stored',
      'delivery.succeeded',
      'message.dequeued',
    ]);
    const searches = lab.events(queueId).filter((e) => e.kind === 'directory.searched');
    assert.deepEqual(
      searches.map((e) => e.kind === 'directory.searched' && e.data.purpose),
      ['rcpt check'],
      'delivered at once, the message is routed with its RCPT-time lookup: one search, not two',
    );
    const route = lab.events(queueId).find((e) => e.kind === 'route.resolved');
    assert.equal(route?.kind === 'route.resolved' && route.data.host, 'mailboxb.siroe.example');
    assert.equal(route?.kind === 'route.resolved' && route.data.fromRcptLookup, true);
    const stored = lab.world.stores.get('mailboxb.siroe.example')!.store.listMessages('bob@siroe.example', 'INBOX');
    const mine = stored.find((m) => m.subject === 'Hello Bob');
    assert.ok(mine, 'message is in bob INBOX on mailboxb');
    const raw = lab.world.stores
      .get('mailboxb.siroe.example')!
      .store.getMessage('bob@siroe.example', 'INBOX', mine.uid)!
      .raw.toString();
    assert.match(raw, /^Return-Path: <alice@siroe\.example>/);
    assert.equal(raw.match(/^Received: /gm)?.length, 2, 'one Received per hop: MTA and store');
    assert.match(raw, /with ESMTPS?A id msg_/);
    // Not on the other store.
    assert.equal(lab.world.stores.get('mailboxa.siroe.example')!.store.hasUser('bob@siroe.example'), false);
  });

  test('submission without AUTH is refused with 530 5.7.0', async () => {
    const talk = await SmtpTalk.open(submissionPort);
    assert.match(await talk.reply(), /^220 /);
    assert.match(await talk.send('EHLO client.example'), /AUTH PLAIN LOGIN/);
    assert.match(await talk.send('MAIL FROM:<alice@siroe.example>'), /^530 5\.7\.0/);
    talk.close();
  });

  test('a wrong password gets 535 5.7.8 and the directory bind is traced', async () => {
    await assert.rejects(
      submit('alice', 'not-alice').sendMail({ from: 'alice@siroe.example', to: 'bob@siroe.example', text: 'x' }),
      (err: { responseCode?: number; response?: string }) =>
        err.responseCode === 535 && /5\.7\.8/.test(err.response ?? ''),
    );
    await lab.waitFor('auth.failed', (e) => e.data.user === 'alice');
    await lab.waitFor('directory.bound', (e) => e.data.ok === false);
  });

  test('inbound: unknown local user 550 5.1.1, other domains 554 5.7.1 (no open relay)', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    await talk.reply();
    const ehlo = await talk.send('EHLO mx.example.com');
    assert.doesNotMatch(ehlo, /AUTH/, 'no AUTH on the MX listener');
    assert.match(await talk.send('MAIL FROM:<erin@example.com>'), /^250 /);
    assert.match(await talk.send('RCPT TO:<nobody@siroe.example>'), /^550 5\.1\.1 /);
    assert.match(await talk.send('RCPT TO:<frank@example.net>'), /^554 5\.7\.1 .*[Rr]elay/);
    assert.match(await talk.send('RCPT TO:<bob@siroe.example>'), /^250 /);
    assert.match(await talk.send('QUIT'), /^221 /);
    talk.close();
  });

  test('a group expands to its members, each delivered to their own store', async () => {
    const info = await submit('bob', 'bob').sendMail({
      from: 'bob@siroe.example',
      to: 'staff@siroe.example',
      subject: 'Staff meeting',
      text: 'Friday 10:00',
    });
    const queueId = queueIdOf(info.response);
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
    const expanded = lab.events(queueId).find((e) => e.kind === 'recipient.expanded');
    assert.deepEqual(expanded?.kind === 'recipient.expanded' && [...expanded.data.into].sort(), [
      'alice@siroe.example',
      'bob@siroe.example',
      'carol@siroe.example',
    ]);
    const has = (host: string, address: string) =>
      lab.world.stores
        .get(host)!
        .store.listMessages(address, 'INBOX')
        .some((m) => m.subject === 'Staff meeting');
    assert.ok(has('mailboxa.siroe.example', 'alice@siroe.example'));
    assert.ok(has('mailboxb.siroe.example', 'bob@siroe.example'));
    assert.ok(has('mailboxb.siroe.example', 'carol@siroe.example'));
  });

  test('an alternate address (postmaster) reaches its owner', async () => {
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'postmaster@siroe.example', subject: 'Abuse report', text: 'hi' });
    const queueId = queueIdOf(info.response);
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
    const inbox = lab.world.stores.get('mailboxa.siroe.example')!.store.listMessages('alice@siroe.example', 'INBOX');
    assert.ok(inbox.some((m) => m.subject === 'Abuse report'));
  });

  test('forwarding sends a copy on and keeps one when mailDeliveryOption says so', async () => {
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'fred@siroe.example', subject: 'For Fred', text: 'hi' });
    const queueId = queueIdOf(info.response);
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
    const fred = lab.world.stores.get('mailboxa.siroe.example')!.store.listMessages('fred@siroe.example', 'INBOX');
    const carol = lab.world.stores.get('mailboxb.siroe.example')!.store.listMessages('carol@siroe.example', 'INBOX');
    assert.ok(
      fred.some((m) => m.subject === 'For Fred'),
      'copy kept',
    );
    assert.ok(
      carol.some((m) => m.subject === 'For Fred'),
      'forwarded',
    );
    const queued = lab.world.queue.get(queueId)!;
    const toCarol = queued.recipients.find((r) => r.address === 'carol@siroe.example');
    assert.equal(toCarol?.originalAddress, 'fred@siroe.example');
  });

  test('an oversize message is refused with 552 and the session stays usable', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    await talk.reply();
    const ehlo = await talk.send('EHLO big.example');
    assert.match(ehlo, /SIZE 65536/);
    assert.match(await talk.send('MAIL FROM:<erin@example.com> SIZE=999999'), /^552 5\.3\.4/);
    assert.match(await talk.send('MAIL FROM:<erin@example.com>'), /^250 /);
    assert.match(await talk.send('RCPT TO:<bob@siroe.example>'), /^250 /);
    assert.match(await talk.send('DATA'), /^354 /);
    talk.write(`Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(80) + '.\r\n');
    assert.match(await talk.reply(), /^552 5\.3\.4/);
    assert.match(await talk.send('NOOP'), /^250 /);
    talk.close();
  });

  test('malformed commands get clear errors, never a crash', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    await talk.reply();
    assert.match(await talk.send('FROB'), /^500 5\.5\.1/);
    assert.match(await talk.send('MAIL FROM:<erin@example.com>'), /^503 /, 'MAIL before EHLO');
    await talk.send('EHLO x.example');
    assert.match(await talk.send('MAIL FROM:erin'), /^501 /);
    assert.match(await talk.send('RCPT TO:<bob@siroe.example>'), /^503 /, 'RCPT before MAIL');
    assert.match(await talk.send('DATA'), /^503 /);
    assert.match(await talk.send(`NOOP ${'y'.repeat(10_000)}`), /^500 5\.5\.2/);
    assert.match(await talk.send('NOOP'), /^250 /, 'still alive after a huge line');
    talk.close();
  });

  test('8-bit bodies and UTF-8 addresses (SMTPUTF8) are carried intact', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    await talk.reply();
    assert.match(await talk.send('EHLO utf8.example'), /SMTPUTF8/);
    assert.match(await talk.send('MAIL FROM:<jürgen@example.com> SMTPUTF8 BODY=8BITMIME'), /^250 /);
    assert.match(await talk.send('RCPT TO:<bob@siroe.example>'), /^250 /);
    assert.match(await talk.send('RCPT TO:<bøb@siroe.example>'), /^550 5\.1\.1/);
    assert.match(await talk.send('DATA'), /^354 /);
    talk.write(
      'From: Jürgen <jürgen@example.com>\r\nSubject: Grüße aus Köln\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSchöne Grüße — 你好\r\n.\r\n',
    );
    const queueId = queueIdOf(await talk.reply());
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
    const store = lab.world.stores.get('mailboxb.siroe.example')!.store;
    const summary = store.listMessages('bob@siroe.example', 'INBOX').find((m) => m.subject === 'Grüße aus Köln');
    assert.ok(summary);
    const raw = store.getMessage('bob@siroe.example', 'INBOX', summary.uid)!.raw.toString('utf8');
    assert.match(raw, /Schöne Grüße — 你好/);
    assert.match(raw, /^Return-Path: <jürgen@example\.com>/);
    talk.close();
  });

  test('submission completes Message-ID and Date when the client left them out', async () => {
    const talk = await SmtpTalk.open(submissionPort);
    await talk.reply();
    await talk.send('EHLO bare.example');
    const plain = Buffer.from('\0carol\0carol').toString('base64');
    assert.match(await talk.send(`AUTH PLAIN ${plain}`), /^235 /);
    await talk.send('MAIL FROM:<carol@siroe.example>');
    await talk.send('RCPT TO:<bob@siroe.example>');
    await talk.send('DATA');
    talk.write('Subject: bare\r\n\r\nno headers to speak of\r\n.\r\n');
    const queueId = queueIdOf(await talk.reply());
    await lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
    const store = lab.world.stores.get('mailboxb.siroe.example')!.store;
    const summary = store.listMessages('bob@siroe.example', 'INBOX').find((m) => m.subject === 'bare')!;
    assert.equal(summary.messageId, `<${queueId}@mta.siroe.example>`);
    assert.match(store.getMessage('bob@siroe.example', 'INBOX', summary.uid)!.raw.toString(), /^Date: \w{3}, /m);
    talk.close();
  });

  test('mail for outside the site goes to the LAN server and, through the smarthost, to the Internet', async () => {
    const info = await submit('alice', 'alice').sendMail({
      from: 'alice@siroe.example',
      to: ['erin@example.com', 'dave@eng.siroe.example'],
      subject: 'Out there',
      text: 'hi',
    });
    const queueId = queueIdOf(info.response);
    const routes = await Promise.all(
      ['erin@example.com', 'dave@eng.siroe.example'].map((recipient) =>
        lab.waitFor('route.resolved', (e) => e.data.queueId === queueId && e.data.recipient === recipient),
      ),
    );
    assert.deepEqual(
      routes.map((r) => [r.data.route, r.data.channel, r.data.host]),
      [
        ['smarthost', 'tcp_local', 'smarthost.siroe.example'],
        ['lan', 'tcp_intranet', 'eng.siroe.example'],
      ],
    );
    // Each hop has its own queue and queue id; the Internet copy is stored at example.com's MX.
    const erin = await lab.waitFor(
      'mailbox.stored',
      (e) => e.data.address === 'erin@example.com' && e.node === 'mx1.example.com',
    );
    const dave = await lab.waitFor('mailbox.stored', (e) => e.data.address === 'dave@eng.siroe.example');
    assert.equal(dave.node, 'eng.siroe.example');
    const inbox = lab.world.storeFor('erin@example.com')!.listMessages('erin@example.com', 'INBOX');
    assert.deepEqual(
      inbox.filter((m) => m.uid === erin.data.uid).map((m) => m.subject),
      ['Out there'],
    );
    assert.equal(lab.world.queue.get(queueId)?.status, 'done');
  });

  test('a virus is quarantined (held on the queue); spam is accepted and filed in Junk', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: inboundPort,
      secure: false,
      ignoreTLS: true,
    });
    const infected = await transport.sendMail({
      from: 'erin@example.com',
      to: 'bob@siroe.example',
      text: 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
    });
    const infectedId = queueIdOf(infected.response);
    const held = await lab.waitFor('message.held', (e) => e.data.queueId === infectedId);
    assert.match(held.data.reason, /EICAR/i);
    assert.equal(lab.world.queue.get(infectedId)?.status, 'held');
    assert.ok(!lab.events(infectedId).some((e) => e.kind === 'delivery.attempted'), 'never delivered');
    const info = await transport.sendMail({
      from: 'erin@example.com',
      to: 'carol@siroe.example',
      subject: 'Cheap watches',
      text: 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    });
    const queueId = queueIdOf(info.response);
    const stored = await lab.waitFor('mailbox.stored', (e) => e.traceId === queueId);
    assert.equal(stored.data.folder, 'Junk');
    const verdict = lab.events(queueId).find((e) => e.kind === 'verdict.given');
    assert.equal(verdict?.kind === 'verdict.given' && verdict.data.spam, 'spam');

    // A sender cannot file its own mail: a forged verdict header is not the lab's.
    const forged = await transport.sendMail({
      from: 'erin@example.com',
      to: 'carol@siroe.example',
      subject: 'Forged verdict',
      headers: { 'X-Spam-Status': 'Yes, score=99', 'X-Spam-Flag': 'YES', 'X-Mailscope-Verdict': 'junk' },
      text: 'hello',
    });
    const forgedId = queueIdOf(forged.response);
    const forgedStored = await lab.waitFor('mailbox.stored', (e) => e.traceId === forgedId);
    assert.equal(forgedStored.data.folder, 'INBOX');
  });
});
