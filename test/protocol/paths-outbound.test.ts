// Storylines of mail leaving the site: to the LAN messaging server and back, through the
// smarthost to an Internet MX, and a remote refusal coming back as a bounce. Real clients
// (nodemailer, imapflow, fetch) against the whole default world.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { ControlClient } from '../helpers/control-client.js';
import { assertStoryline, startTestWorld, type TestWorld } from '../helpers/test-world.js';
import {
  at,
  dequeued,
  handedTo,
  headerLines,
  LAN,
  MX1,
  one,
  queuedAs,
  SITE_MTA,
  SMARTHOST,
  submit,
} from './paths-fixture.js';

let lab: TestWorld;
let api: ControlClient;

before(async () => {
  // Stepped: nothing is retried behind the tests' backs.
  lab = await startTestWorld({ clock: { kind: 'stepped' } });
  api = new ControlClient(lab.world);
});
after(() => lab.close());

/** Logs in at the MMP with imapflow and returns the raw source of the INBOX message with this subject. */
async function readThroughMmp(user: string, subject: string): Promise<string | undefined> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: lab.world.portOf('mmp', 'imap'),
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass: user },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const uids = await client.search({ subject }, { uid: true });
      if (!uids || uids.length === 0) return undefined;
      const message = await client.fetchOne(String(uids[0]), { source: true }, { uid: true });
      return message ? message.source?.toString() : undefined;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('outbound paths', { timeout: 60_000 }, () => {
  test('1. alice → dave on the LAN server (tcp_intranet), dave reads it through the MMP; dave → bob back', async () => {
    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'dave@eng.siroe.example',
      subject: 'To the LAN',
    });
    const engId = await handedTo(lab, queueId, LAN);
    await dequeued(lab, queueId);
    const route = one(at(lab, queueId, SITE_MTA), 'route.resolved');
    assert.deepEqual([route.data.route, route.data.channel, route.data.host], ['lan', 'tcp_intranet', LAN]);
    assertStoryline(at(lab, queueId, SITE_MTA), [
      'message.accepted',
      'route.resolved',
      'delivery.attempted',
      'delivery.succeeded',
      'message.dequeued',
    ]);
    const hop = one(at(lab, queueId, SITE_MTA), 'delivery.attempted', (e) => e.to === LAN);
    assert.equal(hop.data.port, lab.world.port(LAN, 'smtp'), 'the real SMTP port of the LAN server');

    // At the LAN server: its own queue, its own mailboxes.
    await dequeued(lab, engId);
    const stored = await lab.waitFor('mailbox.stored', (e) => e.traceId === engId);
    assert.equal(stored.node, LAN);
    assert.equal(stored.data.address, 'dave@eng.siroe.example');
    assertStoryline(at(lab, engId, LAN), [
      'message.accepted',
      'route.resolved',
      'delivery.attempted',
      'mailbox.stored',
      'delivery.succeeded',
    ]);
    assert.equal(one(at(lab, engId, LAN), 'route.resolved').data.route, 'store');
    assert.equal(lab.world.queue.get(queueId)?.status, 'done');

    // dave reads it as Thunderbird would: IMAP at the MMP, which finds his mailHost.
    const source = await readThroughMmp('dave', 'To the LAN');
    assert.ok(source, 'dave sees the message through the MMP');
    assert.match(source, /^Return-Path: <alice@siroe\.example>/);
    assert.match(source, /by eng\.siroe\.example \(Mailscope store\)/);
    // The MMP looked dave up and relayed him to his mailHost: the LAN server's IMAP.
    const proxied = one(lab.events(), 'mmp.proxied', (e) => e.data.backend === LAN);
    assert.equal(proxied.data.backendPort, lab.world.port(LAN, 'imap'));
    assert.match(proxied.data.user, /^dave(@eng\.siroe\.example)?$/);
    assert.equal(proxied.data.backend, LAN);

    // And back: dave writes to bob through the site's submission server.
    const back = await submit(lab, 'dave', {
      from: 'dave@eng.siroe.example',
      to: 'bob@siroe.example',
      subject: 'Back',
    });
    await dequeued(lab, back);
    const backRoute = one(at(lab, back, SITE_MTA), 'route.resolved');
    assert.deepEqual([backRoute.data.route, backRoute.data.host], ['store', 'mailboxb.siroe.example']);
    const inbox = await api.mailbox('bob@siroe.example', 'INBOX');
    assert.ok(inbox.some((m) => m.subject === 'Back' && m.from.includes('dave@eng.siroe.example')));
  });

  test('2. alice → erin: site MTA → smarthost (DKIM, MX lookup) → mx1 (preference 10) → erin INBOX', async () => {
    const queueId = await submit(lab, 'alice', { from: 'alice@siroe.example', to: 'erin@example.com', subject: 'Far' });
    const relayId = await handedTo(lab, queueId, SMARTHOST);
    const route = one(at(lab, queueId, SITE_MTA), 'route.resolved');
    assert.deepEqual([route.data.route, route.data.channel, route.data.host], ['smarthost', 'tcp_local', SMARTHOST]);

    const mxId = await handedTo(lab, relayId, MX1);
    const smarthost = at(lab, relayId, SMARTHOST);
    // The signature is made on the way in, and traced once the signed message is committed.
    assertStoryline(smarthost, [
      'message.accepted',
      'dkim.signed',
      'message.queued',
      'route.resolved',
      'delivery.attempted',
    ]);
    assert.equal(one(smarthost, 'dkim.signed').data.domain, 'siroe.example');
    assert.equal(one(smarthost, 'route.resolved').data.route, 'mx');
    const mxLookup = one(lab.events(relayId), 'dns.answered', (e) => e.data.type === 'MX');
    assert.equal(mxLookup.from, SMARTHOST);
    assert.equal(mxLookup.data.purpose, 'MX for example.com');
    assert.deepEqual([...mxLookup.data.answers].sort(), ['10 mx1.example.com', '20 mx2.example.com']);
    const tried = smarthost.filter((e) => e.kind === 'delivery.attempted' && e.data.mx !== undefined);
    assert.equal(tried.length, 1, 'one host tried: the best MX took it');
    const first = one(tried, 'delivery.attempted');
    assert.deepEqual([first.data.mx, first.data.preference, first.to], [MX1, 10, MX1]);
    // The MX lookup happens inside the attempt: after it opened, before the hop to mx1.
    const seqOf = (e: { seq: number }) => e.seq;
    assert.ok(seqOf(mxLookup) < seqOf(first));

    await dequeued(lab, mxId);
    const stored = await lab.waitFor('mailbox.stored', (e) => e.traceId === mxId);
    assert.equal(stored.node, MX1);
    assertStoryline(at(lab, mxId, MX1), ['message.accepted', 'route.resolved', 'mailbox.stored', 'delivery.succeeded']);

    const listed = await api.mailbox('erin@example.com', 'INBOX');
    const mine = listed.find((m) => m.subject === 'Far');
    assert.ok(mine, 'erin has it');
    const raw = await api.rawMessage('erin@example.com', 'INBOX', mine.uid);
    const headers = headerLines(raw);
    const dkim = headers.find((h) => h.startsWith('DKIM-Signature:') && /\bd=siroe\.example;/.test(h));
    assert.ok(dkim, `signed by the smarthost for siroe.example:\n${headers.join('\n')}`);
    assert.match(dkim, /s=lab;/);
    // Newest first: mx1's store, mx1's SMTP server (from the smarthost), the smarthost
    // (from the site MTA), the site MTA (from alice's client, authenticated).
    const received = headers.filter((h) => h.startsWith('Received:'));
    assert.equal(received.length, 4, received.join('\n'));
    assert.match(received[0]!, /by mx1\.example\.com \(Mailscope store\) with local id /);
    assert.match(received[1]!, /from smarthost\.siroe\.example .*by mx1\.example\.com .*with ESMTPS? id /);
    assert.match(received[2]!, /from mta\.siroe\.example .*by smarthost\.siroe\.example .*with ESMTPS? id /);
    assert.match(
      received[3]!,
      /from client\.siroe\.example .*authenticated as alice@siroe\.example.*by mta\.siroe\.example .*with ESMTPS?A id /,
    );
    assert.ok(
      headers.indexOf(received[1]!) < headers.indexOf(dkim) && headers.indexOf(dkim) < headers.indexOf(received[2]!),
      'the signature was added at the smarthost, right above its Received field',
    );
  });

  test('2b. an Internet MX does not DKIM-sign mail it receives, even with a From in its own domain', async () => {
    // Since c34dffc a host signs by the header From's domain (start-peers.ts signMailFrom),
    // which fixed alice → erin. But mx1 still passes that signer as `finish` for EVERY
    // SMTP message (peer-mta.ts hooks().onData), so a stranger who writes
    // "From: boss@example.com" to erin over SMTP gets example.com's DKIM signature for
    // free: the forgery reads dkim=pass. Only PeerMta.submit (its own users) should sign.
    const fromSite = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Unsigned by mx1',
    });
    const mxId = await handedTo(lab, await handedTo(lab, fromSite, SMARTHOST), MX1);
    await dequeued(lab, mxId);
    const signedBy = async (traceId: string) => {
      const stored = one(lab.events(traceId), 'mailbox.stored');
      const raw = await api.rawMessage('erin@example.com', 'INBOX', stored.data.uid);
      return headerLines(raw)
        .filter((h) => h.startsWith('DKIM-Signature:'))
        .map((h) => /\bd=([^;]+);/.exec(h)?.[1]);
    };
    assert.deepEqual(await signedBy(mxId), ['siroe.example'], 'signed once, by the sending side');

    // A stranger talks to mx1 directly, as any Internet client can.
    const stranger = nodemailer.createTransport({
      host: '127.0.0.1',
      port: lab.world.port(MX1, 'smtp'),
      secure: false,
      name: 'stranger.example',
      tls: { rejectUnauthorized: false },
    });
    const info = await stranger.sendMail({
      from: 'boss@example.com',
      to: 'erin@example.com',
      subject: 'Wire the money today',
      text: 'Urgent.',
    });
    stranger.close();
    const forgedId = queuedAs(info.response);
    await dequeued(lab, forgedId);
    assert.deepEqual(await signedBy(forgedId), [], 'mx1 vouches for nothing it did not send');
    assert.deepEqual(
      lab.events(forgedId).filter((e) => e.kind === 'dkim.signed'),
      [],
    );
  });

  test('2c. each MTA names the hop it got the message from (upstreamQueueId, read from the Received field)', async () => {
    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Hop by hop',
    });
    const relayId = await handedTo(lab, queueId, SMARTHOST);
    const mxId = await handedTo(lab, relayId, MX1);
    await dequeued(lab, mxId);
    const accepted = (id: string) => one(lab.events(id), 'message.accepted');
    assert.equal(accepted(queueId).data.upstreamQueueId, undefined, "alice's client is not a lab MTA");
    assert.equal(accepted(relayId).data.upstreamQueueId, queueId, 'the smarthost names the site MTA hop');
    assert.equal(accepted(mxId).data.upstreamQueueId, relayId, 'mx1 names the smarthost hop');
    for (const id of [queueId, relayId, mxId]) assert.equal(accepted(id).data.envId, undefined, 'no ENVID invented');
  });

  test('4. remote 550 at RCPT: the smarthost fails nobody@example.com at once, alice gets a DSN', async () => {
    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'nobody@example.com',
      subject: 'Nobody home',
      // RFC 3461: the sender's envelope id travels with the message and comes back in the DSN.
      dsn: { envid: 'alice-envid-4', notify: ['FAILURE'], ret: 'HDRS' },
    });
    const relayId = await handedTo(lab, queueId, SMARTHOST);
    const failed = await lab.waitFor('delivery.failed', (e) => e.data.queueId === relayId);
    assert.equal(failed.node, SMARTHOST);
    assert.equal(failed.data.code, 550);
    assert.equal(failed.data.host, MX1);
    assert.match(failed.data.text, /5\.1\.1/);
    const deferred = lab.events(relayId).filter((e) => e.kind === 'delivery.deferred');
    assert.deepEqual(deferred, [], 'a permanent refusal is not retried');
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === relayId);
    assert.equal(dsn.node, SMARTHOST);
    assert.equal(dsn.causedBy, relayId);
    assert.deepEqual(dsn.data.recipients, ['nobody@example.com']);

    // The bounce travels: smarthost → site MX → alice's store.
    const siteId = await handedTo(lab, dsn.data.dsnQueueId, SITE_MTA);
    const stored = await lab.waitFor('mailbox.stored', (e) => e.traceId === siteId);
    assert.deepEqual([stored.data.address, stored.data.folder], ['alice@siroe.example', 'INBOX']);
    const raw = await api.rawMessage('alice@siroe.example', 'INBOX', stored.data.uid);
    assert.match(raw, /^Return-Path: <>\r\n/);
    assert.match(raw, /Content-Type: multipart\/report; report-type=delivery-status;/);
    assert.match(raw, /Reporting-MTA: dns; smarthost\.siroe\.example/);
    assert.match(raw, /Original-Envelope-Id: alice-envid-4\r\n/);
    assert.match(raw, /Final-Recipient: rfc822; nobody@example\.com\r\nAction: failed\r\nStatus: 5\.1\.1\r\n/);
    assert.match(raw, /Remote-MTA: dns; mx1\.example\.com/);
    assert.match(raw, /Content-Type: text\/rfc822-headers[\s\S]*Subject: Nobody home/, 'original headers included');
  });
});
