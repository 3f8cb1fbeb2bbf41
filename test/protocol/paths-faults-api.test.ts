// Storylines with fault switches turned on and off through the control API (HTTP, as the
// instructor's UI does it): an MX host down, mixed outcomes for one message, DNS errors,
// a slow host. Each fault is checked for what it really does on the wire, not only in
// the trace: refused connections, DNS answers to node's own resolver, reply timings.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, afterEach, before, describe, test } from 'node:test';
import { ControlClient } from '../helpers/control-client.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';
import { at, dequeued, handedTo, headerLines, MX1, MX2, one, SITE_MTA, SMARTHOST, submit } from './paths-fixture.js';

let lab: TestWorld;
let api: ControlClient;
let dns: Resolver;

before(async () => {
  lab = await startTestWorld({ clock: { kind: 'stepped' } });
  api = new ControlClient(lab.world);
  dns = new Resolver({ timeout: 2_000, tries: 1 });
  dns.setServers([`127.0.0.1:${lab.world.port('ns.siroe.example', 'dns')}`]);
});
afterEach(() => api.clearAllFaults());
after(() => lab.close());

/** How a TCP connect to a port of this machine ends: 'connected' or the errno. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Whatever a node:dns lookup ends with: the records, or the error code. */
async function mxOf(domain: string): Promise<string[] | string> {
  try {
    return (await dns.resolveMx(domain)).map((r) => `${r.priority} ${r.exchange}`);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

describe('fault switches through the control API', { timeout: 60_000 }, () => {
  test('3. mx1 down: refused, the smarthost falls back to MX 20 (mx2); cleared, mail goes to mx1 again', async () => {
    const mx1Port = lab.world.port(MX1, 'smtp');
    const fault = await api.addFault({ kind: 'down', target: MX1 });
    assert.deepEqual(
      (await api.faults()).map((f) => [f.id, f.kind, f.target]),
      [[fault.id, 'down', MX1]],
    );
    assert.equal(await tryConnect(mx1Port), 'ECONNREFUSED', 'mx1 really stopped listening');
    assert.equal(await tryConnect(lab.world.port(MX2, 'smtp')), 'connected', 'mx2 still listens');
    const applied = one(lab.events(), 'fault.applied', (e) => e.data.faultId === fault.id);
    assert.match(applied.data.effect, /stopped listening: mx1\.example\.com smtp/);

    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Via MX 20',
    });
    const relayId = await handedTo(lab, queueId, SMARTHOST);
    const mx2Id = await handedTo(lab, relayId, MX2);
    const hops = at(lab, relayId, SMARTHOST).filter((e) => e.kind === 'delivery.attempted' && e.data.mx !== undefined);
    assert.deepEqual(
      hops.map((e) => (e.kind === 'delivery.attempted' ? [e.data.mx, e.data.preference, e.to] : [])),
      [
        [MX1, 10, MX1],
        [MX2, 20, MX2],
      ],
      'MX 10 first, then MX 20',
    );
    const sameAttempt = new Set(hops.map((e) => e.parentSpanId));
    assert.equal(sameAttempt.size, 1, 'both hosts were tried in one delivery attempt');
    // The refusal is a fact of its own, drawn back from mx1, between the two attempts.
    const relayEvents = at(lab, relayId, SMARTHOST);
    const refused = one(relayEvents, 'delivery.hopFailed');
    assert.deepEqual([refused.from, refused.to, refused.data.host], [MX1, SMARTHOST, MX1]);
    assert.match(refused.data.reason, /refused/);
    assert.ok(relayEvents.indexOf(hops[0]!) < relayEvents.indexOf(refused));
    assert.ok(relayEvents.indexOf(refused) < relayEvents.indexOf(hops[1]!));
    await dequeued(lab, mx2Id);
    assert.equal(one(lab.events(mx2Id), 'message.accepted').node, MX2);
    const raw = await api.rawMessage('erin@example.com', 'INBOX', one(lab.events(mx2Id), 'mailbox.stored').data.uid);
    assert.match(raw, /by mx2\.example\.com \(Mailscope\) with ESMTPS? id /, 'received by mx2');

    await api.clearFault(fault.id);
    assert.deepEqual(await api.faults(), []);
    assert.ok(lab.events().some((e) => e.kind === 'fault.cleared' && e.data.faultId === fault.id));
    assert.equal(await tryConnect(mx1Port), 'connected', 'mx1 listens again, on the same port');
    const again = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Via MX 10',
    });
    const againRelay = await handedTo(lab, again, SMARTHOST);
    const mx1Id = await handedTo(lab, againRelay, MX1);
    const againHops = at(lab, againRelay, SMARTHOST).filter((e) => e.kind === 'delivery.attempted' && e.data.mx);
    assert.deepEqual(
      againHops.map((e) => e.to),
      [MX1],
    );
    await dequeued(lab, mx1Id);
    assert.equal(one(lab.events(mx1Id), 'mailbox.stored').node, MX1);
  });

  test('3b. mail taken in by mx2 is stored by mx2: the trace and the Received field name mx2', async () => {
    // BUG (server/world/start-peers.ts openInternetStores): example.com's shared store
    // context is named after the first mailbox's host (mx1.example.com) and used by mx2
    // too, so mail that mx2 received is reported as `mailbox.stored` on node mx1 — a
    // host that is down — and its last Received field says "by mx1.example.com".
    const fault = await api.addFault({ kind: 'down', target: MX1 });
    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Stored by mx2',
    });
    const mx2Id = await handedTo(lab, await handedTo(lab, queueId, SMARTHOST), MX2);
    await dequeued(lab, mx2Id);
    const stored = one(lab.events(mx2Id), 'mailbox.stored');
    const raw = await api.rawMessage('erin@example.com', 'INBOX', stored.data.uid);
    await api.clearFault(fault.id);
    const lastReceived = headerLines(raw).find((h) => h.startsWith('Received:'));
    assert.match(lastReceived ?? '', /by mx2\.example\.com \(Mailscope store\)/);
    assert.equal(stored.node, MX2, 'stored on the host that has the message, not on the one that is down');
  });

  test('6. one message, three outcomes at the site MTA: delivered, pending (hold), failed (550) and one DSN', async () => {
    const hold = await api.addFault({ kind: 'user', target: 'carol@siroe.example', status: 'hold' });
    const refuse = await api.addFault({
      kind: 'reply',
      target: SMARTHOST,
      command: 'RCPT',
      code: 550,
      enhanced: '5.1.1',
      text: 'No such user here (lab fault)',
    });
    const directory = (await api.ok<{ users: Array<{ mail: string; status: string }> }>('GET', '/api/directory')).users;
    assert.equal(directory.find((u) => u.mail === 'carol@siroe.example')?.status, 'hold');

    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: ['bob@siroe.example', 'carol@siroe.example', 'ghost@example.com'],
      subject: 'Three ways',
    });
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === queueId);
    assert.deepEqual(dsn.data.recipients, ['ghost@example.com'], 'a bounce for the failed one only');
    await lab.waitFor(
      'delivery.succeeded',
      (e) => e.data.queueId === queueId && e.data.recipient === 'bob@siroe.example',
    );
    const deferred = await lab.waitFor('delivery.deferred', (e) => e.data.queueId === queueId);
    assert.equal(deferred.data.recipient, 'carol@siroe.example');
    assert.match(deferred.data.text, /held for carol \(mailUserStatus hold\)/);
    const failed = one(lab.events(queueId), 'delivery.failed');
    assert.deepEqual(
      [failed.data.recipient, failed.data.code, failed.data.host],
      ['ghost@example.com', 550, SMARTHOST],
    );
    assert.match(failed.data.text, /5\.1\.1 No such user here \(lab fault\)/);
    assert.ok(one(lab.events(), 'fault.applied', (e) => e.data.faultId === refuse.id).node === SMARTHOST);

    const message = (await api.queue()).find((m) => m.queueId === queueId);
    assert.equal(message?.status, 'queued', 'still queued: carol waits');
    const states = Object.fromEntries(message!.recipients.map((r) => [r.address, r.status]));
    assert.deepEqual(states, {
      'bob@siroe.example': 'delivered',
      'carol@siroe.example': 'pending',
      'ghost@example.com': 'failed',
    });
    const bounce = await lab.waitFor('mailbox.stored', (e) => e.traceId === dsn.data.dsnQueueId);
    const raw = await api.rawMessage('alice@siroe.example', 'INBOX', bounce.data.uid);
    assert.match(raw, /Final-Recipient: rfc822; ghost@example\.com\r\nAction: failed\r\nStatus: 5\.1\.1/);
    assert.doesNotMatch(raw, /Final-Recipient: rfc822; (bob|carol)@/);
    assert.ok((await api.mailbox('bob@siroe.example', 'INBOX')).some((m) => m.subject === 'Three ways'));

    // The hold is lifted: carol's copy leaves at once, not at the next retry.
    await api.clearFault(hold.id);
    const done = await dequeued(lab, queueId);
    assert.equal(done.data.outcome, 'failed', 'one recipient failed for good');
    assert.ok((await api.mailbox('carol@siroe.example', 'INBOX')).some((m) => m.subject === 'Three ways'));
    assert.equal(lab.events().filter((e) => e.kind === 'dsn.generated' && e.data.queueId === queueId).length, 1);
  });

  test('7a. DNS SERVFAIL for example.net: the smarthost defers (4.4.3); node:dns sees SERVFAIL too', async () => {
    const fault = await api.addFault({ kind: 'dns', target: 'example.net', rcode: 'SERVFAIL' });
    assert.equal(await mxOf('example.net'), 'ESERVFAIL');
    assert.equal(await mxOf('mx.example.net'), 'ESERVFAIL', 'names under the target too');
    assert.deepEqual(await mxOf('example.com'), ['10 mx1.example.com', '20 mx2.example.com'], 'others unaffected');

    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'frank@example.net',
      subject: 'DNS trouble',
    });
    const relayId = await handedTo(lab, queueId, SMARTHOST);
    const deferred = await lab.waitFor('delivery.deferred', (e) => e.data.queueId === relayId);
    assert.equal(deferred.node, SMARTHOST);
    assert.match(deferred.data.text, /4\.4\.3 MX lookup for example\.net failed \(DNS: SERVFAIL\)/);
    assert.ok(deferred.data.nextAttemptAt! > lab.world.clock.now());
    const answered = one(lab.events(relayId), 'dns.answered', (e) => e.data.name === 'example.net');
    assert.deepEqual([answered.from, answered.data.type, answered.data.rcode], [SMARTHOST, 'MX', 'SERVFAIL']);
    assert.ok(lab.events(relayId).some((e) => e.kind === 'fault.applied' && e.data.faultId === fault.id));
    const waiting = (await api.queue(SMARTHOST)).find((m) => m.queueId === relayId);
    assert.equal(waiting?.recipients[0]?.status, 'pending');

    // DNS answers again; at the next retry (world clock stepped past it) frank gets it.
    await api.clearFault(fault.id);
    assert.deepEqual(await mxOf('example.net'), ['10 mx.example.net']);
    await api.ok('POST', '/api/clock', { advanceMs: deferred.data.nextAttemptAt! - lab.world.clock.now() });
    const mxId = await handedTo(lab, relayId, 'mx.example.net');
    await dequeued(lab, mxId);
    assert.equal(one(lab.events(mxId), 'mailbox.stored').data.address, 'frank@example.net');
  });

  test('7b. DNS NXDOMAIN for example.net: failed 5.1.2 at the smarthost, and alice gets a DSN', async () => {
    await api.addFault({ kind: 'dns', target: 'example.net', rcode: 'NXDOMAIN' });
    assert.equal(await mxOf('example.net'), 'ENOTFOUND');

    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'frank@example.net',
      subject: 'No such domain',
    });
    const relayId = await handedTo(lab, queueId, SMARTHOST);
    const failed = await lab.waitFor('delivery.failed', (e) => e.data.queueId === relayId);
    assert.equal(failed.node, SMARTHOST);
    assert.equal(failed.data.code, 550);
    assert.match(failed.data.text, /^5\.1\.2 domain example\.net does not exist \(DNS: NXDOMAIN\)/);
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === relayId);
    const siteId = await handedTo(lab, dsn.data.dsnQueueId, SITE_MTA);
    await dequeued(lab, siteId);
    const stored = one(lab.events(siteId), 'mailbox.stored');
    assert.deepEqual([stored.data.address, stored.data.folder], ['alice@siroe.example', 'INBOX']);
    const raw = await api.rawMessage('alice@siroe.example', 'INBOX', stored.data.uid);
    assert.match(raw, /Final-Recipient: rfc822; frank@example\.net\r\nAction: failed\r\nStatus: 5\.1\.2/);
  });

  test('9. mx1 slow (300 ms): delivery still succeeds, and every reply on the wire takes >= 300 ms', async () => {
    const fault = await api.addFault({ kind: 'slow', target: MX1, delayMs: 300 });
    const queueId = await submit(lab, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Slowly',
    });
    const mxId = await handedTo(lab, await handedTo(lab, queueId, SMARTHOST), MX1);
    await dequeued(lab, mxId);
    assert.equal(one(lab.events(mxId), 'mailbox.stored').data.address, 'erin@example.com');
    assert.ok(lab.events().some((e) => e.kind === 'fault.applied' && e.data.faultId === fault.id && e.node === MX1));

    // A raw client measures it: the greeting and each reply come >= 300 ms after asking.
    const started = performance.now();
    const talk = await SmtpTalk.open(lab.world.port(MX1, 'smtp'));
    try {
      const timings: Array<[string, number]> = [];
      let t0 = started;
      const timed = async (label: string, reply: Promise<string>, expected: RegExp) => {
        const text = await reply;
        const now = performance.now();
        timings.push([label, now - t0]);
        t0 = now;
        assert.match(text, expected, label);
      };
      await timed('greeting', talk.reply(), /^220 /);
      await timed('EHLO', talk.send('EHLO probe.example'), /^250[ -]/);
      await timed('MAIL', talk.send('MAIL FROM:<probe@example.org>'), /^250 /);
      await timed('RCPT', talk.send('RCPT TO:<erin@example.com>'), /^250 /);
      await timed('RSET', talk.send('RSET'), /^250 /);
      await timed('QUIT', talk.send('QUIT'), /^221 /);
      for (const [label, ms] of timings) assert.ok(ms >= 300, `${label} took ${ms.toFixed(0)} ms`);
    } finally {
      talk.close();
    }
  });
});
