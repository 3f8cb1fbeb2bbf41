import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { FaultSwitches } from '../core/faults.js';
import { ConnectionSet, listenOn } from '../core/tcp-listener.js';
import type { Tracer } from '../core/tracer.js';
import { traceAnswer, type SentAnswer } from './answer-trace.js';
import type { QueryAttribution } from './attribution.js';
import { udpLimitBytes } from './edns.js';
import { decodeHeader, encodeMessage, encodeWithLimit } from './message-codec.js';
import { handleQuery, type QueryOutcome } from './query-handler.js';
import { frame, FrameReader, MAX_TCP_MESSAGE_BYTES } from './tcp-framing.js';
import { Rcode } from './types.js';
import type { ZoneTable } from './zones.js';

export interface DnsServerOptions {
  zones: ZoneTable;
  /** The DNS host's node id (ns.siroe.example). */
  node: string;
  tracer: Tracer;
  faults?: FaultSwitches;
  attribution?: QueryAttribution;
  /** A TCP connection with no query for this long is closed (RFC 7766 §6.2.3). */
  tcpIdleMs?: number;
  maxTcpConnections?: number;
}

const DEFAULT_TCP_IDLE_MS = 10_000;
const DEFAULT_MAX_TCP_CONNECTIONS = 128;
/** Port 0 on TCP may land on a number some other program holds on UDP: try again this often. */
const EPHEMERAL_BIND_TRIES = 5;

/**
 * The lab's authoritative DNS server, on UDP and TCP with one port number (as port
 * 53 is). All answering is in query-handler.ts; this file only moves bytes and reports.
 */
export class DnsServer {
  readonly zones: ZoneTable;
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly connections = new ConnectionSet<Socket>();
  private closed = false;
  private boundPort?: number;

  constructor(private readonly opts: DnsServerOptions) {
    this.zones = opts.zones;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** Bind TCP first (port 0 = ephemeral), then UDP on the number TCP got. */
  async listen(port: number, host: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const tcp = createServer((socket) => this.acceptTcp(socket));
      const tcpPort = await listenOn(tcp, port, host);
      try {
        this.udp = await this.bindUdp(tcpPort, host);
        this.tcp = tcp;
        this.boundPort = tcpPort;
        return tcpPort;
      } catch (err) {
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (port !== 0 || !inUse || attempt >= EPHEMERAL_BIND_TRIES) throw err;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const udp = this.udp;
    this.udp = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    const tcp = this.tcp;
    this.tcp = undefined;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    await this.connections.whenEmpty();
  }

  private bindUdp(port: number, host: string): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        // A send error to one client (ICMP unreachable) must never take the server down.
        udp.on('error', () => {});
        udp.on('message', (packet, remote) => this.onUdp(udp, packet, remote.address, remote.port));
        resolve(udp);
      });
    });
  }

  private onUdp(udp: UdpSocket, packet: Buffer, address: string, port: number): void {
    const prepared = this.prepare(packet, 'udp', address, port);
    if (!prepared || this.closed) return;
    udp.send(prepared.bytes, port, address, (err) => {
      if (!err) this.report(prepared.sent);
    });
  }

  private acceptTcp(socket: Socket): void {
    if (this.closed || this.connections.size >= (this.opts.maxTcpConnections ?? DEFAULT_MAX_TCP_CONNECTIONS)) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => {});
    socket.setTimeout(this.opts.tcpIdleMs ?? DEFAULT_TCP_IDLE_MS, () => socket.destroy());
    socket.on('drain', () => socket.resume());
    const reader = new FrameReader();
    socket.on('data', (chunk) => {
      for (const message of reader.push(chunk)) this.answerTcp(socket, message);
    });
  }

  private answerTcp(socket: Socket, packet: Buffer): void {
    const prepared = this.prepare(packet, 'tcp', socket.remoteAddress ?? '', socket.remotePort ?? 0);
    if (!prepared || socket.destroyed) return;
    const flushed = socket.write(frame(prepared.bytes), (err) => {
      if (!err) this.report(prepared.sent);
    });
    // A client that sends queries but does not read answers is not read from either.
    if (!flushed) socket.pause();
  }

  /** Answer bytes for a packet, or undefined to drop it. Never throws. */
  private prepare(
    packet: Buffer,
    transport: 'udp' | 'tcp',
    remoteAddress: string,
    remotePort: number,
  ): { bytes: Buffer; sent: SentAnswer } | undefined {
    let outcome: QueryOutcome | undefined;
    let encoded: { bytes: Buffer; truncated: boolean };
    try {
      outcome = handleQuery(packet, { zones: this.zones, faults: this.opts.faults });
      if (!outcome) return undefined;
      const limit = transport === 'udp' ? udpLimitBytes(outcome.edns) : MAX_TCP_MESSAGE_BYTES;
      encoded = encodeWithLimit(outcome.response, limit);
    } catch {
      // A bug of ours, not the client's: say SERVFAIL rather than stay silent.
      const failure = serverFailure(packet, outcome);
      if (!failure) return undefined;
      [outcome, encoded] = [failure, { bytes: encodeMessage(failure.response), truncated: false }];
    }
    const context = this.opts.attribution?.lookup(remotePort, outcome.response.header.id);
    const sent = { outcome, transport, remoteAddress, remotePort, context, truncated: encoded.truncated };
    return { bytes: encoded.bytes, sent };
  }

  private report(sent: SentAnswer): void {
    traceAnswer(this.opts.tracer, this.opts.faults, this.opts.node, sent);
  }
}

function serverFailure(packet: Buffer, outcome: QueryOutcome | undefined): QueryOutcome | undefined {
  const header = decodeHeader(packet);
  if (!header) return undefined;
  const question = outcome?.question;
  return {
    response: {
      header: { ...header, qr: true, aa: false, tc: false, ra: false, rcode: Rcode.SERVFAIL },
      questions: question ? [question] : [],
      answers: [],
      authority: [],
      additional: [],
    },
    question,
    rcode: Rcode.SERVFAIL,
  };
}
