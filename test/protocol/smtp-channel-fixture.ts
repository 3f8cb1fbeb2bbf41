// Shared setup for the SmtpChannel tests: an in-memory LabResolver, SMTP servers that
// stand for MX hosts, a port where nothing listens, a server that never greets, a job.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import {
  DnsLookupError,
  type DnsErrorCode,
  type LabResolver,
  type LookupContext,
  type MxRecord,
} from '../../server/dns/resolver.js';
import type { DeliveryHop, DeliveryJob } from '../../server/mta/delivery/channel.js';
import { SmtpChannel, type SmtpChannelOptions } from '../../server/mta/delivery/smtp-channel.js';
import type { QueuedRecipient } from '../../server/queue/types.js';

/** An answer, or the DNS error code to fail with. */
type Answer<T> = T | DnsErrorCode;

export interface FakeZone {
  mx?: Record<string, Answer<MxRecord[]>>;
  a?: Record<string, Answer<string[]>>;
}

export interface SeenQuery {
  type: 'MX' | 'A';
  name: string;
  context: LookupContext;
}

/**
 * A LabResolver over a fixed table. A name missing from a table is ENODATA when the
 * zone knows it under another type (it exists), otherwise ENOTFOUND (NXDOMAIN).
 */
export class FakeResolver implements LabResolver {
  readonly queries: SeenQuery[] = [];

  constructor(private readonly zone: FakeZone) {}

  async resolveMx(domain: string, context: LookupContext): Promise<MxRecord[]> {
    this.queries.push({ type: 'MX', name: domain, context });
    return this.answer(this.zone.mx, domain, 'MX');
  }

  async resolveA(name: string, context: LookupContext): Promise<string[]> {
    this.queries.push({ type: 'A', name, context });
    return this.answer(this.zone.a, name, 'A');
  }

  async resolveTxt(name: string): Promise<string[][]> {
    throw new DnsLookupError('ENODATA', name, 'TXT');
  }

  async reverse(address: string): Promise<string[]> {
    throw new DnsLookupError('ENOTFOUND', address, 'PTR');
  }

  private answer<T extends unknown[]>(table: Record<string, Answer<T>> | undefined, name: string, type: string): T {
    const found = table?.[name];
    if (typeof found === 'string') throw new DnsLookupError(found as DnsErrorCode, name, type);
    if (found !== undefined) return found;
    const exists = name in (this.zone.mx ?? {}) || name in (this.zone.a ?? {});
    throw new DnsLookupError(exists ? 'ENODATA' : 'ENOTFOUND', name, type);
  }
}

/** A port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never says a word (a hung MTA). */
export async function silentServer(t: TestContext): Promise<{ port: number; accepted: Promise<void> }> {
  const sockets = new Set<Socket>();
  let sawOne!: () => void;
  const accepted = new Promise<void>((resolve) => (sawOne = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    sawOne();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as { port: number }).port, accepted };
}

let nextRecipientId = 1;

export function recipient(address: string): QueuedRecipient {
  return {
    queueId: 'q1',
    recipientId: nextRecipientId++,
    address,
    originalAddress: address,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    updatedAt: 0,
  };
}

/** A job plus the hops the channel reported for it. */
export function job(host: string, addresses: string[]): { job: DeliveryJob; hops: DeliveryHop[] } {
  const hops: DeliveryHop[] = [];
  return {
    hops,
    job: {
      queueId: 'q1',
      traceId: 'msg_t1',
      spanId: 'q1.d1',
      sender: 'alice@siroe.example',
      raw: Buffer.from('From: alice@siroe.example\r\nSubject: hello\r\n\r\nHello over SMTP.\r\n'),
      host,
      recipients: addresses.map(recipient),
      onHop: (hop) => hops.push(hop),
    },
  };
}

/** An MX-mode channel of the smarthost with small timeouts; closed when the test ends. */
export function channel(
  t: TestContext,
  resolver: LabResolver,
  ports: Record<string, number>,
  options: Partial<SmtpChannelOptions> = {},
): SmtpChannel {
  const made = new SmtpChannel({
    name: 'tcp_local',
    clientHostname: 'smarthost.siroe.example',
    node: 'smarthost.siroe.example',
    resolver,
    mode: 'mx',
    portFor: (host) => ports[host],
    timeoutMs: 2_000,
    tls: { rejectUnauthorized: false },
    ...options,
  });
  t.after(() => made.close());
  return made;
}
