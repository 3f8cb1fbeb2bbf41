// Storylines of mail arriving from the Internet: written at an Internet host through the
// control API (POST /api/compose, via "internet"), delivered by MX to the site's MX, judged
// by the verdict step (spam, virus, SPF/DKIM/DMARC) and filed — or refused at RCPT.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import type { ComposeRequest } from '../../server/api/world-view.js';
import { ControlClient } from '../helpers/control-client.js';
import { assertStoryline, startTestWorld, type TestWorld } from '../helpers/test-world.js';
import { at, dequeued, handedTo, headerLines, MX1, one, SITE_MTA } from './paths-fixture.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

let lab: TestWorld;
let api: ControlClient;

before(async () => {
  lab = await startTestWorld({ clock: { kind: 'stepped' } });
  api = new ControlClient(lab.world);
});
after(() => lab.close());

/** Writes a message at an Internet host and follows it to the site MTA: [Internet queue id, site queue id]. */
async function fromInternet(
  request: Omit<ComposeRequest, 'via'>,
): Promise<{ sent: string; host: string; site: string }> {
  const result = await api.compose({ ...request, via: 'internet' });
  const site = await handedTo(lab, result.queueId, SITE_MTA);
  return { sent: result.queueId, host: result.host, site };
}

function verdictOf(siteId: string): TraceEvent<'verdict.given'> {
  return one(at(lab, siteId, SITE_MTA), 'verdict.given');
}

describe('inbound paths: Internet → site MX → verdict → store', { timeout: 60_000 }, () => {
  test('clean: erin → bob passes SPF, DKIM and DMARC and lands in the INBOX', async () => {
    const { sent, host, site } = await fromInternet({
      from: 'erin@example.com',
      to: ['bob@siroe.example'],
      subject: 'Clean hello',
      text: 'Hi Bob, see you at the conference.',
    });
    assert.equal(host, MX1, 'written at the MX host of example.com');
    // At mx1: queued from its local user, signed, handed by MX to the site's MX.
    const mxLookup = one(lab.events(sent), 'dns.answered', (e) => e.data.type === 'MX');
    assert.deepEqual(
      [mxLookup.from, mxLookup.data.name, mxLookup.data.answers],
      [MX1, 'siroe.example', ['10 mta.siroe.example']],
    );
    assertStoryline(at(lab, sent, MX1), [
      'dkim.signed',
      'message.queued',
      'route.resolved',
      'delivery.attempted',
      'delivery.succeeded',
    ]);

    await dequeued(lab, site);
    assertStoryline(at(lab, site, SITE_MTA), [
      'verdict.given',
      'message.accepted',
      'message.queued',
      'route.resolved',
      'delivery.attempted',
      'delivery.succeeded',
      'message.dequeued',
    ]);
    const verdict = verdictOf(site);
    assert.equal(verdict.data.action, 'deliver');
    assert.deepEqual(
      [
        verdict.data.spam,
        verdict.data.virus,
        verdict.data.auth?.spf,
        verdict.data.auth?.dkim,
        verdict.data.auth?.dmarc,
      ],
      ['clean', 'clean', 'pass', 'pass', 'pass'],
    );
    const stored = one(lab.events(site), 'mailbox.stored');
    assert.deepEqual([stored.data.address, stored.data.folder], ['bob@siroe.example', 'INBOX']);
    const raw = await api.rawMessage('bob@siroe.example', 'INBOX', stored.data.uid);
    const results = headerLines(raw).find((h) => h.startsWith('Authentication-Results: mta.siroe.example;'));
    assert.ok(results, 'the site MTA says what it checked');
    assert.match(results, /spf=pass/);
    assert.match(results, /dkim=pass [^;]*header\.i=@example\.com/);
    assert.match(results, /dmarc=pass/);
  });

  test('spam: GTUBE is filed in Junk', async () => {
    const { site } = await fromInternet({
      from: 'erin@example.com',
      to: ['bob@siroe.example'],
      subject: 'Cheap watches',
      text: `Buy now!\n${GTUBE}\n`,
    });
    await dequeued(lab, site);
    const verdict = verdictOf(site);
    assert.deepEqual([verdict.data.spam, verdict.data.action], ['spam', 'junk']);
    assert.ok(verdict.data.rules?.some((r) => r.name === 'GTUBE'));
    const stored = one(lab.events(site), 'mailbox.stored');
    assert.deepEqual([stored.data.address, stored.data.folder], ['bob@siroe.example', 'Junk']);
    const junk = await api.mailbox('bob@siroe.example', 'Junk');
    assert.ok(junk.some((m) => m.subject === 'Cheap watches'));
    const inbox = await api.mailbox('bob@siroe.example', 'INBOX');
    assert.ok(!inbox.some((m) => m.subject === 'Cheap watches'));
  });

  test('virus: an EICAR attachment is held at the site MTA and never stored', async () => {
    const { site } = await fromInternet({
      from: 'erin@example.com',
      to: ['bob@siroe.example'],
      subject: 'Invoice attached',
      text: 'Please open the attachment.',
      attachments: [{ filename: 'invoice.com', contentBase64: Buffer.from(EICAR, 'latin1').toString('base64') }],
    });
    const held = await lab.waitFor('message.held', (e) => e.data.queueId === site);
    assert.equal(held.node, SITE_MTA);
    assert.match(held.data.reason, /virus found \(EICAR-Test-File\)/);
    const verdict = verdictOf(site);
    assert.deepEqual([verdict.data.virus, verdict.data.action], ['infected', 'hold']);
    const queued = (await api.queue()).find((m) => m.queueId === site);
    assert.equal(queued?.status, 'held');
    assert.deepEqual(
      queued?.recipients.map((r) => [r.address, r.status]),
      [['bob@siroe.example', 'pending']],
    );
    // Held means nothing leaves the queue: no route, no attempt, nothing stored.
    const afterHold = lab
      .events(site)
      .filter((e) => e.seq > held.seq)
      .map((e) => e.kind);
    assert.deepEqual(
      afterHold.filter((k) => k.startsWith('delivery.') || k === 'mailbox.stored' || k === 'route.resolved'),
      [],
    );
    for (const folder of ['INBOX', 'Junk']) {
      assert.ok(!(await api.mailbox('bob@siroe.example', folder)).some((m) => m.subject === 'Invoice attached'));
    }
  });

  test('SPF fail: "security@bank.example" sent from mx.example.org fails SPF and DMARC, filed in Junk', async () => {
    const { host, site } = await fromInternet({
      from: 'security@bank.example',
      to: ['bob@siroe.example'],
      subject: 'Verify your account',
      text: 'Click here to keep your account open.',
      host: 'mx.example.org',
    });
    assert.equal(host, 'mx.example.org');
    await dequeued(lab, site);
    const verdict = verdictOf(site);
    assert.deepEqual(
      [verdict.data.auth?.spf, verdict.data.auth?.dmarc, verdict.data.action],
      ['fail', 'fail', 'junk'],
      JSON.stringify(verdict.data.auth),
    );
    // The SPF check asked the lab's DNS for the forged domain's policy.
    assert.ok(
      lab
        .events()
        .some(
          (e) =>
            e.kind === 'dns.answered' && e.from === SITE_MTA && e.data.name === 'bank.example' && e.data.type === 'TXT',
        ),
    );
    const stored = one(lab.events(site), 'mailbox.stored');
    assert.deepEqual([stored.data.address, stored.data.folder], ['bob@siroe.example', 'Junk']);
    const raw = await api.rawMessage('bob@siroe.example', 'Junk', stored.data.uid);
    const results = headerLines(raw).find((h) => h.startsWith('Authentication-Results: mta.siroe.example;'));
    assert.match(results ?? '', /spf=fail[\s\S]*dmarc=fail/);
  });

  test('unknown user: the site MX says 550 5.1.1 at RCPT, and mx1 bounces to erin', async () => {
    const result = await api.compose({
      from: 'erin@example.com',
      to: ['ghost@siroe.example'],
      subject: 'Anyone there?',
      text: 'Hello?',
      via: 'internet',
    });
    const failed = await lab.waitFor('delivery.failed', (e) => e.data.queueId === result.queueId);
    assert.equal(failed.node, MX1);
    assert.deepEqual([failed.data.code, failed.data.host], [550, SITE_MTA]);
    assert.match(failed.data.text, /5\.1\.1/);
    // The refusal is the site MX's own RCPT reply, on the wire.
    const refusal = lab
      .events()
      .find(
        (e) =>
          e.kind === 'smtp.reply' &&
          e.node === SITE_MTA &&
          e.data.code === 550 &&
          /ghost@siroe\.example/.test(e.data.text),
      );
    assert.ok(refusal?.kind === 'smtp.reply' && refusal.data.enhanced === '5.1.1');

    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === result.queueId);
    assert.equal(dsn.node, MX1);
    await dequeued(lab, dsn.data.dsnQueueId);
    const stored = one(lab.events(dsn.data.dsnQueueId), 'mailbox.stored');
    assert.deepEqual([stored.node, stored.data.address, stored.data.folder], [MX1, 'erin@example.com', 'INBOX']);
    const raw = await api.rawMessage('erin@example.com', 'INBOX', stored.data.uid);
    assert.match(raw, /^Return-Path: <>\r\n/);
    assert.match(raw, /Final-Recipient: rfc822; ghost@siroe\.example\r\nAction: failed\r\nStatus: 5\.1\.1\r\n/);
    assert.match(raw, /Remote-MTA: dns; mta\.siroe\.example/);
    assert.match(raw, /Subject: Anyone there\?/);
    // Nothing reached the site's queue for ghost.
    assert.ok(!(await api.queue()).some((m) => m.recipients.some((r) => r.address === 'ghost@siroe.example')));
  });
});
