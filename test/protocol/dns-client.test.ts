// The lab's stub resolver (LabDnsResolver) against the lab server: answers, error
// codes, TCP retry on truncation, timeouts, and the attribution of dns.answered.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { LabDnsResolver } from '../../server/dns/client.js';
import { DnsLookupError, type DnsErrorCode, type LookupContext } from '../../server/dns/resolver.js';
import { BIG_TXT, nextEvent, NS, startTestDns } from './dns-fixture.js';

const smarthost: LookupContext = {
  callerNode: 'smarthost.siroe.example',
  purpose: 'MX for example.com',
  traceId: 'msg_test1',
  spanId: 'msg_test1.d1',
};

async function rejectsWith(promise: Promise<unknown>, code: DnsErrorCode, hostname?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DnsLookupError, String(err));
    assert.equal(err.code, code);
    if (hostname) assert.equal(err.hostname, hostname);
    return true;
  });
}

test('LabDnsResolver answers MX (sorted), A, TXT and reverse lookups', async (t) => {
  const { port, attribution } = await startTestDns(t);
  const resolver = new LabDnsResolver({ address: '127.0.0.1', port, attribution });
  assert.deepEqual(await resolver.resolveMx('example.com', smarthost), [
    { exchange: 'mx1.example.com', priority: 10 },
    { exchange: 'mx2.example.com', priority: 20 },
  ]);
  assert.deepEqual(await resolver.resolveA('www.example.com', smarthost), ['127.0.0.1'], 'through the CNAME');
  assert.deepEqual(await resolver.resolveAaaa('v6.example.com', smarthost), ['2001:db8::25']);
  assert.deepEqual(await resolver.resolveTxt('siroe.example.', smarthost), [['v=spf1 ip4:127.0.0.1 -all']]);
  assert.deepEqual(await resolver.reverse('::ffff:127.0.0.2', smarthost), ['mx2.example.com']);
  assert.equal((await resolver.reverse('127.0.0.1', smarthost)).length, 5);
  assert.equal(attribution.size, 0, 'every in-flight entry released');
});

test('LabDnsResolver maps rcodes to DnsLookupError codes', async (t) => {
  const { port, faults } = await startTestDns(t);
  const resolver = new LabDnsResolver({ address: '127.0.0.1', port });
  await rejectsWith(resolver.resolveA('nobody.example.com', smarthost), 'ENOTFOUND', 'nobody.example.com');
  await rejectsWith(resolver.resolveMx('mx1.example.com', smarthost), 'ENODATA');
  await rejectsWith(resolver.resolveA('www.google.com', smarthost), 'EREFUSED');
  await rejectsWith(resolver.reverse('10.9.8.7', smarthost), 'ENOTFOUND');
  await rejectsWith(resolver.resolveA(`${'a'.repeat(64)}.example.com`, smarthost), 'ENOTFOUND');
  faults.add({ kind: 'dns', target: 'example.net', rcode: 'SERVFAIL' });
  await rejectsWith(resolver.resolveMx('example.net', smarthost), 'ESERVFAIL');
  const err = await resolver.resolveMx('mx1.example.com', smarthost).catch((e: DnsLookupError) => e);
  assert.ok(err instanceof DnsLookupError && err.isNegative && err.rrtype === 'MX');
});

test('dns.answered names the lab host that asked, with purpose, traceId and spanId', async (t) => {
  const { port, tracer, attribution } = await startTestDns(t);
  const resolver = new LabDnsResolver({ address: '127.0.0.1', port, attribution });
  await resolver.resolveMx('example.com', smarthost);
  const event = await nextEvent(tracer, 'dns.answered', (e) => e.data.name === 'example.com');
  assert.equal(event.node, NS);
  assert.equal(event.from, 'smarthost.siroe.example');
  assert.equal(event.to, NS);
  assert.equal(event.traceId, 'msg_test1');
  assert.equal(event.spanId, 'msg_test1.d1');
  assert.equal(event.data.purpose, 'MX for example.com');
  assert.deepEqual(event.data.answers, ['20 mx2.example.com', '10 mx1.example.com']);
  assert.equal(attribution.size, 0);
});

test('a truncated answer is fetched again over TCP, and both hops are attributed', async (t) => {
  const { port, tracer, attribution } = await startTestDns(t);
  const resolver = new LabDnsResolver({ address: '127.0.0.1', port, attribution });
  const txt = await resolver.resolveTxt('big.example.com', { callerNode: 'mta.siroe.example', purpose: 'DKIM key' });
  assert.equal(txt.length, 1);
  assert.equal(txt[0]!.join(''), BIG_TXT);
  const udp = await nextEvent(
    tracer,
    'dns.answered',
    (e) => e.data.name === 'big.example.com' && e.data.transport === 'udp',
  );
  const tcp = await nextEvent(
    tracer,
    'dns.answered',
    (e) => e.data.name === 'big.example.com' && e.data.transport === 'tcp',
  );
  assert.deepEqual(udp.data.answers, []);
  assert.equal(tcp.data.answers.length, 1);
  assert.equal(udp.from, 'mta.siroe.example');
  assert.equal(tcp.from, 'mta.siroe.example');
  assert.equal(attribution.size, 0);
});

test('fault switches are traced with the traceId of the lookup they changed', async (t) => {
  const { port, tracer, faults, attribution } = await startTestDns(t);
  const fault = faults.add({ kind: 'dns', target: 'example.com', rcode: 'NXDOMAIN' });
  const resolver = new LabDnsResolver({ address: '127.0.0.1', port, attribution });
  await rejectsWith(resolver.resolveMx('example.com', smarthost), 'ENOTFOUND');
  const applied = await nextEvent(tracer, 'fault.applied', (e) => e.data.faultId === fault.id);
  assert.equal(applied.traceId, 'msg_test1');
  assert.equal(applied.data.effect, 'DNS answered NXDOMAIN for MX example.com');
});

test('no answer: two tries of timeoutMs each, then ETIMEOUT, and nothing left registered', async (t) => {
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  t.after(() => silent.close());
  let received = 0;
  silent.on('message', () => received++);
  const { attribution } = await startTestDns(t);
  const resolver = new LabDnsResolver({
    address: '127.0.0.1',
    port: silent.address().port,
    attribution,
    timeoutMs: 150,
  });
  const startedAt = Date.now();
  await rejectsWith(resolver.resolveA('mx1.example.com', smarthost), 'ETIMEOUT');
  const elapsedMs = Date.now() - startedAt;
  assert.ok(elapsedMs >= 290 && elapsedMs < 2000, `${elapsedMs} ms`);
  assert.equal(received, 2);
  assert.equal(attribution.size, 0);
});

test('a port nobody listens on fails fast with ETIMEOUT (no answer)', async () => {
  const probe = createSocket('udp4');
  probe.bind(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = probe.address().port;
  probe.close();
  const resolver = new LabDnsResolver({ address: '127.0.0.1', port, timeoutMs: 5000 });
  const startedAt = Date.now();
  await rejectsWith(resolver.resolveA('mx1.example.com', smarthost), 'ETIMEOUT');
  assert.ok(Date.now() - startedAt < 4000, 'ICMP port unreachable ends the wait early');
});
