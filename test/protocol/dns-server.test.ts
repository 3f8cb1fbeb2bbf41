// The lab DNS server asked by node's own resolver (c-ares) and by raw UDP/TCP
// clients: what a standard client sees, byte-level framing and truncation, faults.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { test } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { listenOn } from '../../server/core/tcp-listener.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { startDnsServer } from '../../server/dns/index.js';
import { decodeMessage, encodeMessage } from '../../server/dns/message-codec.js';
import { frame, FrameReader } from '../../server/dns/tcp-framing.js';
import { Rcode, RRType } from '../../server/dns/types.js';
import { BIG_TXT, nextEvent, NS, query, startTestDns, tcpExchange, udpExchange } from './dns-fixture.js';

/** A fresh c-ares channel per use: its query cache must not hide what the server says now. */
function resolverFor(port: number): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, code);
    return true;
  });
}

test('node:dns resolves MX, A, AAAA, TXT, CNAME and PTR from the lab server', async (t) => {
  const { port, tracer } = await startTestDns(t);
  const r = resolverFor(port);
  const mx = await r.resolveMx('example.com');
  assert.deepEqual(
    mx.sort((a, b) => a.priority - b.priority),
    [
      { exchange: 'mx1.example.com', priority: 10 },
      { exchange: 'mx2.example.com', priority: 20 },
    ],
  );
  assert.deepEqual(await r.resolve4('mx2.example.com'), ['127.0.0.2']);
  assert.deepEqual(await r.resolve6('v6.example.com'), ['2001:db8::25']);
  assert.deepEqual(await r.resolveTxt('siroe.example'), [['v=spf1 ip4:127.0.0.1 -all']]);
  assert.deepEqual(await r.resolve4('www.example.com'), ['127.0.0.1'], 'through the CNAME');
  assert.deepEqual(await r.resolveCname('www.example.com'), ['mx1.example.com']);
  // c-ares' reverse() reads /etc/hosts first, which names 127.0.0.1 on most machines:
  // ask the PTR itself for it, and reverse() an address no hosts file names.
  assert.deepEqual(await r.resolvePtr('1.0.0.127.in-addr.arpa'), [
    'mailboxa.siroe.example',
    'mta.siroe.example',
    'mx.example.net',
    'mx1.example.com',
    'smarthost.siroe.example',
  ]);
  assert.deepEqual(await r.reverse('127.0.0.2'), ['mx2.example.com']);
  const answered = await nextEvent(tracer, 'dns.answered', (e) => e.data.type === 'MX');
  assert.equal(answered.node, NS);
  assert.equal(answered.from, undefined, 'an outside client is not a lab host');
  assert.deepEqual(answered.data.answers.sort(), ['10 mx1.example.com', '20 mx2.example.com']);
  assert.equal(answered.data.rcode, 'NOERROR');
  assert.equal(answered.data.transport, 'udp');
  assert.equal(answered.data.remoteAddress, '127.0.0.1');
});

test('node:dns sees NXDOMAIN as ENOTFOUND, NODATA as ENODATA, REFUSED as EREFUSED', async (t) => {
  const { port, tracer } = await startTestDns(t);
  await rejectsWith(resolverFor(port).resolve4('nobody.example.com'), 'ENOTFOUND');
  await rejectsWith(resolverFor(port).resolveMx('mx1.example.com'), 'ENODATA');
  await rejectsWith(resolverFor(port).resolve4('google.com'), 'EREFUSED');
  const refused = await nextEvent(tracer, 'dns.answered', (e) => e.data.name === 'google.com');
  assert.equal(refused.data.rcode, 'REFUSED');
  const nx = await nextEvent(tracer, 'dns.answered', (e) => e.data.name === 'nobody.example.com');
  assert.equal(nx.data.rcode, 'NXDOMAIN');
});

test('TCP: length framing, several pipelined queries on one connection', async (t) => {
  const { port, tracer } = await startTestDns(t);
  const [mx, a, nx] = (
    await tcpExchange(port, [
      query('example.com', RRType.MX, { id: 1 }),
      query('mx1.example.com', RRType.A, { id: 2 }),
      query('no.example.net', RRType.A, { id: 3 }),
    ])
  ).map(decodeMessage);
  assert.deepEqual([mx!.header.id, a!.header.id, nx!.header.id], [1, 2, 3]);
  assert.equal(mx!.answers.length, 2);
  assert.deepEqual(
    a!.answers.map((r) => r.data),
    [{ kind: 'A', address: '127.0.0.1' }],
  );
  assert.equal(nx!.header.rcode, Rcode.NXDOMAIN);
  const event = await nextEvent(tracer, 'dns.answered', (e) => e.data.name === 'no.example.net');
  assert.equal(event.data.transport, 'tcp');
});

test('a TXT answer over 512 bytes is truncated over UDP (TC=1) and whole over TCP', async (t) => {
  const { port, tracer } = await startTestDns(t);
  const udp = decodeMessage(await udpExchange(port, query('big.example.com', RRType.TXT)));
  assert.equal(udp.header.tc, true);
  assert.deepEqual(udp.answers, []);
  assert.equal(udp.questions[0]?.name, 'big.example.com');
  const cut = await nextEvent(tracer, 'dns.answered', (e) => e.data.name === 'big.example.com');
  assert.deepEqual(cut.data.answers, []);

  const [tcpBytes] = await tcpExchange(port, [query('big.example.com', RRType.TXT)]);
  const tcp = decodeMessage(tcpBytes!);
  assert.equal(tcp.header.tc, false);
  assert.ok(tcpBytes!.length > 2000);
  const data = tcp.answers[0]!.data;
  assert.equal(data.kind === 'TXT' ? data.texts.join('') : '', BIG_TXT);
  assert.equal(data.kind === 'TXT' ? data.texts.length : 0, 8, '2000 bytes in 255-byte character-strings');

  // node:dns retries over TCP by itself and joins nothing: one record, eight strings.
  const viaNode = await resolverFor(port).resolveTxt('big.example.com');
  assert.equal(viaNode[0]!.join(''), BIG_TXT);
});

test('EDNS: an answer that fits the advertised size comes whole over UDP, with our OPT', async (t) => {
  const { port, zones } = await startTestDns(t);
  zones.setRecords('medium.example.com', 'TXT', ['m'.repeat(800)]);
  const opt = {
    name: '',
    type: RRType.OPT,
    class: 1232,
    ttl: 0,
    data: { kind: 'OPT' as const, options: Buffer.alloc(0) },
  };
  const answer = decodeMessage(await udpExchange(port, query('medium.example.com', RRType.TXT, { opt })));
  assert.equal(answer.header.tc, false);
  assert.equal(answer.answers.length, 1);
  assert.equal(answer.additional[0]?.type, RRType.OPT);
  const classic = decodeMessage(await udpExchange(port, query('medium.example.com', RRType.TXT)));
  assert.equal(classic.header.tc, true, 'without EDNS the limit is 512');
});

test('malformed packets get FORMERR (or nothing) and the server keeps answering', async (t) => {
  const { port, tracer } = await startTestDns(t);
  const loop = Buffer.from([0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  const formerr = decodeMessage(await udpExchange(port, loop));
  assert.equal(formerr.header.id, 0xabcd);
  assert.equal(formerr.header.rcode, Rcode.FORMERR);
  const event = await nextEvent(tracer, 'dns.answered', (e) => e.data.rcode === 'FORMERR');
  assert.equal(event.data.name, '');
  // Over TCP too: a broken frame, then a good one on the same connection.
  const [bad, good] = (
    await tcpExchange(port, [Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5]), query('example.net', RRType.MX)])
  ).map(decodeMessage);
  assert.equal(bad!.header.rcode, Rcode.FORMERR);
  assert.equal(good!.answers.length, 1);
  assert.deepEqual(await resolverFor(port).resolve4('mx.example.net'), ['127.0.0.1']);
});

test('fault switches: NXDOMAIN and SERVFAIL for a name and the names under it, then cleared', async (t) => {
  const { port, faults, tracer } = await startTestDns(t);
  const nx = faults.add({ kind: 'dns', target: 'example.com', rcode: 'NXDOMAIN' });
  await rejectsWith(resolverFor(port).resolveMx('example.com'), 'ENOTFOUND');
  await rejectsWith(resolverFor(port).resolve4('mx1.example.com'), 'ENOTFOUND');
  const applied = await nextEvent(tracer, 'fault.applied', (e) => e.data.faultId === nx.id);
  assert.equal(applied.node, NS);
  assert.match(applied.data.effect, /NXDOMAIN for (MX example\.com|A mx1\.example\.com)/);
  assert.deepEqual(await resolverFor(port).resolveMx('example.net'), [{ exchange: 'mx.example.net', priority: 10 }]);

  const sf = faults.add({ kind: 'dns', target: 'example.net', rcode: 'SERVFAIL' });
  await rejectsWith(resolverFor(port).resolveMx('example.net'), 'ESERVFAIL');
  const failed = await nextEvent(tracer, 'dns.answered', (e) => e.data.rcode === 'SERVFAIL');
  assert.equal(failed.data.name, 'example.net');
  assert.ok(tracer.ofKind('fault.applied').some((e) => e.data.faultId === sf.id));

  faults.remove(nx.id);
  faults.remove(sf.id);
  assert.equal((await resolverFor(port).resolveMx('example.com')).length, 2);
  assert.equal((await resolverFor(port).resolveMx('example.net')).length, 1);
});

test('UDP and TCP share one port; when UDP is taken, listen fails and frees the TCP port', async (t) => {
  const { port, server } = await startTestDns(t);
  assert.equal(server.port, port);
  const udpHolder = createSocket('udp4');
  udpHolder.bind(0, '127.0.0.1');
  await once(udpHolder, 'listening');
  t.after(() => udpHolder.close());
  const taken = udpHolder.address().port;
  const second = startDnsServer({ zones: [], nsHost: NS, node: NS, tracer: new MemoryTracer(new WorldClock()) });
  await assert.rejects(second.listen(taken, '127.0.0.1'), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
  const tcp = createServer();
  assert.equal(await listenOn(tcp, taken, '127.0.0.1'), taken, 'the TCP half was let go');
  await new Promise((resolve) => tcp.close(resolve));
  await second.close();
});

test('TCP: a message split across writes is answered; an idle connection is closed', async (t) => {
  const { port } = await startTestDns(t, { tcpIdleMs: 200 });
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  const bytes = frame(encodeMessage(query('example.com', RRType.MX, { id: 77 })));
  const reader = new FrameReader();
  const answered = new Promise<Buffer>((resolve) => socket.on('data', (c) => reader.push(c).forEach(resolve)));
  socket.write(bytes.subarray(0, 1));
  socket.write(bytes.subarray(1, 9));
  socket.write(bytes.subarray(9));
  const answer = decodeMessage(await answered);
  assert.equal(answer.header.id, 77);
  assert.equal(answer.answers.length, 2);
  const startedAt = Date.now();
  await once(socket, 'close');
  assert.ok(Date.now() - startedAt < 2000, 'closed by the idle timeout');
});
