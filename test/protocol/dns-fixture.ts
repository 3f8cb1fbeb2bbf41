// Shared setup for the DNS protocol tests: the lab's zones (as in the default world,
// plus a few records that exercise edge cases), a started server on an ephemeral
// port, and raw UDP / TCP clients that send exact bytes.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { TestContext } from 'node:test';
import type { TraceEvent, TraceKind } from '../../server/api/trace.js';
import type { DnsZoneSpec } from '../../server/api/world-spec.js';
import { WorldClock } from '../../server/core/clock.js';
import { FaultSwitches } from '../../server/core/faults.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { QueryAttribution, startDnsServer } from '../../server/dns/index.js';
import { encodeMessage } from '../../server/dns/message-codec.js';
import { frame, FrameReader } from '../../server/dns/tcp-framing.js';
import { RRClass, type DnsMessage, type ResourceRecord } from '../../server/dns/types.js';

export const NS = 'ns.test';

/** 2,000 bytes: more than any UDP answer may carry (512, or 1232 with EDNS). */
export const BIG_TXT = `v=test; ${'x'.repeat(1992)}`;

export const TEST_ZONES: DnsZoneSpec[] = [
  {
    origin: 'siroe.example',
    records: [
      { name: '@', type: 'MX', priority: 10, value: 'mta.siroe.example' },
      { name: '@', type: 'TXT', value: 'v=spf1 ip4:127.0.0.1 -all' },
      { name: 'mta', type: 'A', value: '127.0.0.1' },
      { name: 'mailboxa', type: 'A', value: '127.0.0.1' },
      { name: 'smarthost', type: 'A', value: '127.0.0.1' },
    ],
  },
  {
    origin: 'example.com',
    records: [
      { name: '@', type: 'MX', priority: 20, value: 'mx2.example.com' },
      { name: '@', type: 'MX', priority: 10, value: 'mx1.example.com' },
      { name: 'mx1', type: 'A', value: '127.0.0.1' },
      { name: 'mx2', type: 'A', value: '127.0.0.2' },
      { name: 'v6', type: 'AAAA', value: '2001:db8::25' },
      { name: 'www', type: 'CNAME', value: 'mx1.example.com' },
      { name: 'big', type: 'TXT', value: BIG_TXT },
    ],
  },
  {
    origin: 'example.net',
    records: [
      { name: '@', type: 'MX', priority: 10, value: 'mx.example.net' },
      { name: 'mx', type: 'A', value: '127.0.0.1' },
    ],
  },
];

export async function startTestDns(t: TestContext, opts: { tcpIdleMs?: number } = {}) {
  const clock = new WorldClock();
  const tracer = new MemoryTracer(clock);
  const faults = new FaultSwitches({ tracer, node: NS, now: () => Date.now() });
  const attribution = new QueryAttribution();
  const server = startDnsServer({ zones: TEST_ZONES, nsHost: NS, node: NS, tracer, faults, attribution, ...opts });
  const port = await server.listen(0, '127.0.0.1');
  t.after(async () => {
    await server.close();
    clock.close();
  });
  return { server, port, tracer, faults, attribution, zones: server.zones };
}

/** Resolves with the first event of this kind that matches (already emitted or still to come). */
export function nextEvent<K extends TraceKind>(
  tracer: MemoryTracer,
  kind: K,
  match: (e: TraceEvent<K>) => boolean = () => true,
): Promise<TraceEvent<K>> {
  const seen = tracer.ofKind(kind).find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const stop = tracer.subscribe((e) => {
      if (e.kind === kind && match(e as TraceEvent<K>)) {
        stop();
        resolve(e as TraceEvent<K>);
      }
    });
  });
}

/** A query message as a stub resolver would send it. */
export function query(name: string, type: number, opts: { id?: number; opt?: ResourceRecord } = {}): DnsMessage {
  return {
    header: { id: opts.id ?? 0x4242, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0 },
    questions: [{ name, type, class: RRClass.IN }],
    answers: [],
    authority: [],
    additional: opts.opt ? [opts.opt] : [],
  };
}

/** Send one datagram, return the first datagram that comes back. */
export async function udpExchange(port: number, packet: Buffer | DnsMessage): Promise<Buffer> {
  const socket = createSocket('udp4');
  try {
    const answer = once(socket, 'message');
    socket.send(Buffer.isBuffer(packet) ? packet : encodeMessage(packet), port, '127.0.0.1');
    const [bytes] = (await answer) as [Buffer];
    return bytes;
  } finally {
    socket.close();
  }
}

/** Send several framed messages on one TCP connection (all at once: pipelined); collect as many answers. */
export async function tcpExchange(
  port: number,
  packets: Array<Buffer | DnsMessage>,
  expect = packets.length,
): Promise<Buffer[]> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  const reader = new FrameReader();
  const answers: Buffer[] = [];
  try {
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`connection closed after ${answers.length} answers`)));
      socket.on('data', (chunk) => {
        answers.push(...reader.push(chunk));
        if (answers.length >= expect) resolve();
      });
    });
    socket.write(Buffer.concat(packets.map((p) => frame(Buffer.isBuffer(p) ? p : encodeMessage(p)))));
    await done;
    return answers;
  } finally {
    socket.destroy();
  }
}
