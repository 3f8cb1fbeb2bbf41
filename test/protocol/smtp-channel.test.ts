import assert from 'node:assert/strict';
import { before, describe, test, type TestContext } from 'node:test';
import { MailError } from '../../server/core/mail-error.js';
import type { SmtpHooks, SmtpServerOptions } from '../../server/mta/smtp/types.js';
import { makeTlsPems, sessionClosed, startServer, type TlsPems } from '../helpers/smtp-server-fixture.js';
import { channel, closedPort, FakeResolver, job, silentServer } from './smtp-channel-fixture.js';

const LOCAL = ['127.0.0.1'];

/** An SMTP server standing for one lab host that takes every recipient. */
function mxServer(
  t: TestContext,
  name: string,
  options: Partial<SmtpServerOptions> = {},
  hooks: Partial<SmtpHooks> = {},
) {
  return startServer(t, { hostname: name, node: name, ...options }, { onRcptTo: async () => {}, ...hooks });
}

const exampleCom = (mx1 = 10, mx2 = 20) =>
  new FakeResolver({
    mx: {
      'example.com': [
        { exchange: 'mx2.example.com', priority: mx2 },
        { exchange: 'mx1.example.com', priority: mx1 },
      ],
    },
    a: { 'mx1.example.com': LOCAL, 'mx2.example.com': LOCAL },
  });

describe('SmtpChannel in MX mode', () => {
  test('delivers to the best MX and says who answered', async (t) => {
    const mx1 = await mxServer(t, 'mx1.example.com');
    const resolver = exampleCom();
    const smtp = channel(t, resolver, { 'mx1.example.com': mx1.port, 'mx2.example.com': await closedPort() });
    const { job: j, hops } = job('example.com', ['erin@example.com']);

    const [outcome] = await smtp.deliver(j);

    assert.equal(outcome!.status, 'delivered');
    assert.equal(outcome!.code, 250);
    assert.match(outcome!.text, /^mx1\.example\.com said: 250 2\.0\.0 /);
    assert.deepEqual(outcome!.via, { host: 'mx1.example.com', address: '127.0.0.1', port: mx1.port, preference: 10 });
    assert.deepEqual(hops, [outcome!.via]);
    assert.deepEqual(
      mx1.received.map((r) => [r.from, r.to]),
      [['alice@siroe.example', ['erin@example.com']]],
    );
    assert.deepEqual(
      resolver.queries.map((q) => [q.type, q.name, q.context.purpose, q.context.callerNode, q.context.spanId]),
      [
        ['MX', 'example.com', 'MX for example.com', 'smarthost.siroe.example', 'q1.d1'],
        ['A', 'mx1.example.com', 'A for mx1.example.com', 'smarthost.siroe.example', 'q1.d1'],
      ],
    );
    assert.equal(resolver.queries[0]!.context.traceId, 'msg_t1');
  });

  test('MX 10 refuses the connection: MX 20 gets the message', async (t) => {
    const mx2 = await mxServer(t, 'mx2.example.com');
    const downPort = await closedPort();
    const smtp = channel(t, exampleCom(), { 'mx1.example.com': downPort, 'mx2.example.com': mx2.port });
    const { job: j, hops } = job('example.com', ['erin@example.com']);

    const [outcome] = await smtp.deliver(j);

    assert.equal(outcome!.status, 'delivered');
    assert.match(outcome!.text, /^mx2\.example\.com said: 250 /);
    assert.deepEqual(
      hops.map((h) => [h.host, h.port, h.preference]),
      [
        ['mx1.example.com', downPort, 10],
        ['mx2.example.com', mx2.port, 20],
      ],
    );
    assert.equal(mx2.received.length, 1);
  });

  test('a 421 greeting moves on to the next MX too', async (t) => {
    const busy = await mxServer(
      t,
      'mx1.example.com',
      {},
      {
        onConnect: async () => {
          throw new MailError({ code: 421, enhanced: '4.3.2', publicText: 'Too busy', component: 'test' });
        },
      },
    );
    const mx2 = await mxServer(t, 'mx2.example.com');
    const smtp = channel(t, exampleCom(), { 'mx1.example.com': busy.port, 'mx2.example.com': mx2.port });
    const [outcome] = await smtp.deliver(job('example.com', ['erin@example.com']).job);
    assert.equal(outcome!.status, 'delivered');
    assert.equal(outcome!.via?.host, 'mx2.example.com');
  });

  test('an MX whose A lookup fails is skipped', async (t) => {
    const mx2 = await mxServer(t, 'mx2.example.com');
    const resolver = new FakeResolver({
      mx: {
        'example.com': [
          { exchange: 'mx1.example.com', priority: 10 },
          { exchange: 'mx2.example.com', priority: 20 },
        ],
      },
      a: { 'mx1.example.com': 'ESERVFAIL', 'mx2.example.com': LOCAL },
    });
    const { job: j, hops } = job('example.com', ['erin@example.com']);
    const [outcome] = await channel(t, resolver, { 'mx2.example.com': mx2.port }).deliver(j);
    assert.equal(outcome!.status, 'delivered');
    assert.deepEqual(
      hops.map((h) => h.host),
      ['mx2.example.com'],
    );
  });

  test('every MX unreachable: deferred, naming each host and why', async (t) => {
    const downPort = await closedPort();
    const resolver = new FakeResolver({
      mx: {
        'example.com': [
          { exchange: 'mx1.example.com', priority: 10 },
          { exchange: 'mx2.example.com', priority: 20 },
          { exchange: 'mx3.example.com', priority: 30 },
        ],
      },
      a: { 'mx1.example.com': LOCAL, 'mx2.example.com': LOCAL },
    });
    const smtp = channel(t, resolver, { 'mx1.example.com': downPort });
    const outcomes = await smtp.deliver(job('example.com', ['erin@example.com', 'eve@example.com']).job);
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.code, o.via]),
      [
        ['deferred', 451, undefined],
        ['deferred', 451, undefined],
      ],
    );
    assert.equal(
      outcomes[0]!.text,
      `4.4.1 no mail server for example.com could be reached: mx1.example.com[127.0.0.1:${downPort}]: connection refused; ` +
        'mx2.example.com[127.0.0.1]: connection refused (no SMTP service); mx3.example.com: A lookup: NXDOMAIN',
    );
  });

  test('no MX records: the domain itself is the mail server (implicit MX)', async (t) => {
    const host = await mxServer(t, 'example.net');
    const resolver = new FakeResolver({ a: { 'example.net': LOCAL } });
    const { job: j, hops } = job('example.net', ['frank@example.net']);
    const [outcome] = await channel(t, resolver, { 'example.net': host.port }).deliver(j);
    assert.equal(outcome!.status, 'delivered');
    assert.deepEqual(hops, [{ host: 'example.net', address: '127.0.0.1', port: host.port }]);
    assert.deepEqual(
      resolver.queries.map((q) => `${q.type} ${q.name}`),
      ['MX example.net', 'A example.net'],
    );
  });

  test('NXDOMAIN: every recipient fails 550 5.1.2, nobody is contacted', async (t) => {
    const resolver = new FakeResolver({});
    const { job: j, hops } = job('nowhere.example', ['a@nowhere.example', 'b@nowhere.example']);
    const outcomes = await channel(t, resolver, {}).deliver(j);
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.code]),
      [
        ['failed', 550],
        ['failed', 550],
      ],
    );
    assert.match(outcomes[0]!.text, /^5\.1\.2 domain nowhere\.example does not exist/);
    assert.deepEqual(hops, []);
  });

  test('SERVFAIL on the MX lookup: deferred 451 4.4.3', async (t) => {
    const resolver = new FakeResolver({ mx: { 'example.org': 'ESERVFAIL' } });
    const [outcome] = await channel(t, resolver, {}).deliver(job('example.org', ['gina@example.org']).job);
    assert.equal(outcome!.status, 'deferred');
    assert.equal(outcome!.code, 451);
    assert.match(outcome!.text, /^4\.4\.3 MX lookup for example\.org failed \(DNS: SERVFAIL\)/);
  });

  test('null MX (RFC 7505): fails 556 5.1.10', async (t) => {
    const resolver = new FakeResolver({ mx: { 'nomail.example': [{ exchange: '', priority: 0 }] } });
    const { job: j, hops } = job('nomail.example', ['x@nomail.example']);
    const [outcome] = await channel(t, resolver, {}).deliver(j);
    assert.deepEqual([outcome!.status, outcome!.code], ['failed', 556]);
    assert.match(outcome!.text, /^5\.1\.10 nomail\.example accepts no mail/);
    assert.deepEqual(hops, []);
  });

  test('one message, three recipients: delivered, failed and deferred at once', async (t) => {
    const mx1 = await mxServer(
      t,
      'mx1.example.com',
      {},
      {
        onRcptTo: async (_s, to) => {
          if (to.address.startsWith('nobody@')) {
            throw new MailError({ code: 550, enhanced: '5.1.1', publicText: 'No such user', component: 'test' });
          }
          if (to.address.startsWith('full@')) {
            throw new MailError({ code: 451, enhanced: '4.2.2', publicText: 'Mailbox full', component: 'test' });
          }
        },
      },
    );
    const smtp = channel(t, exampleCom(), { 'mx1.example.com': mx1.port });
    const { job: j } = job('example.com', ['erin@example.com', 'nobody@example.com', 'full@example.com']);
    const outcomes = await smtp.deliver(j);
    assert.deepEqual(
      outcomes.map((o) => [o.recipientId, o.status, o.code, o.via?.host]),
      j.recipients.map((r, i) => [
        r.recipientId,
        ['delivered', 'failed', 'deferred'][i],
        [250, 550, 451][i],
        'mx1.example.com',
      ]),
    );
    assert.equal(outcomes[1]!.text, 'mx1.example.com said: 550 5.1.1 No such user');
    assert.equal(outcomes[2]!.text, 'mx1.example.com said: 451 4.2.2 Mailbox full');
    assert.deepEqual(
      mx1.received.map((r) => r.to),
      [['erin@example.com']],
    );
  });

  test('a server that accepts the connection but never greets: deferred after the timeout', async (t) => {
    const silent = await silentServer(t);
    const smtp = channel(t, exampleCom(), { 'mx1.example.com': silent.port }, { timeoutMs: 300 });
    const startedAt = Date.now();
    const [outcome] = await smtp.deliver(job('example.com', ['erin@example.com']).job);
    await silent.accepted;
    assert.equal(outcome!.status, 'deferred');
    assert.match(
      outcome!.text,
      new RegExp(`mx1\\.example\\.com\\[127\\.0\\.0\\.1:${silent.port}\\]: no reply in time`),
    );
    assert.ok(Date.now() - startedAt < 5_000, 'the hung host held the delivery too long');
  });
});

describe('SmtpChannel session details', () => {
  let pems: TlsPems;
  before(async () => {
    pems = await makeTlsPems();
  });

  test('STARTTLS is used when offered', async (t) => {
    const mx1 = await mxServer(t, 'mx1.example.com', { tls: pems });
    const [outcome] = await channel(t, exampleCom(), { 'mx1.example.com': mx1.port }).deliver(
      job('example.com', ['erin@example.com']).job,
    );
    assert.equal(outcome!.status, 'delivered');
    assert.equal(mx1.received[0]!.secure, true);
    assert.equal(mx1.received[0]!.transmissionType, 'ESMTPS');
    assert.equal(mx1.tracer.ofKind('tls.started').length, 1);
  });

  test('relay mode: straight to the named host, no MX lookup', async (t) => {
    const smarthost = await mxServer(t, 'smarthost.siroe.example');
    const resolver = new FakeResolver({ a: { 'smarthost.siroe.example': LOCAL } });
    const relay = channel(
      t,
      resolver,
      { 'smarthost.siroe.example': smarthost.port },
      {
        mode: 'relay',
        node: 'mta.siroe.example',
      },
    );
    const { job: j, hops } = job('smarthost.siroe.example', ['erin@example.com']);
    const [outcome] = await relay.deliver(j);
    assert.equal(outcome!.status, 'delivered');
    assert.match(outcome!.text, /^smarthost\.siroe\.example said: 250 /);
    assert.deepEqual(hops, [{ host: 'smarthost.siroe.example', address: '127.0.0.1', port: smarthost.port }]);
    assert.deepEqual(
      resolver.queries.map((q) => [q.type, q.name, q.context.callerNode]),
      [['A', 'smarthost.siroe.example', 'mta.siroe.example']],
    );
    assert.equal(smarthost.received.length, 1);
  });

  test('relay host down: deferred with the reason', async (t) => {
    const resolver = new FakeResolver({ a: { 'smarthost.siroe.example': LOCAL } });
    const downPort = await closedPort();
    const relay = channel(t, resolver, { 'smarthost.siroe.example': downPort }, { mode: 'relay' });
    const [outcome] = await relay.deliver(job('smarthost.siroe.example', ['erin@example.com']).job);
    assert.equal(outcome!.status, 'deferred');
    assert.equal(
      outcome!.text,
      `4.4.1 smarthost.siroe.example could not be reached: smarthost.siroe.example[127.0.0.1:${downPort}]: connection refused`,
    );
  });

  test('two messages in a row share one connection, closed with QUIT when idle', async (t) => {
    const mx1 = await mxServer(t, 'mx1.example.com');
    const smtp = channel(t, exampleCom(), { 'mx1.example.com': mx1.port }, { idleMs: 50 });
    for (const to of ['erin@example.com', 'eve@example.com']) {
      const [outcome] = await smtp.deliver(job('example.com', [to]).job);
      assert.equal(outcome!.status, 'delivered');
    }
    assert.equal(mx1.received.length, 2);
    assert.equal(mx1.tracer.ofKind('session.opened').length, 1);
    await sessionClosed(mx1.tracer);
    const verbs = mx1.tracer.ofKind('smtp.command').map((e) => e.data.verb);
    assert.equal(verbs.at(-1), 'QUIT');
  });
});
