import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import type { QueryAttribution } from './attribution.js';
import { decodeHeader, decodeMessage, encodeMessage } from './message-codec.js';
import { canonicalName } from './names.js';
import type { LookupContext } from './resolver.js';
import { frame, FrameReader } from './tcp-framing.js';
import type { DnsMessage } from './types.js';

/**
 * One query, one answer, over UDP or TCP: the stub resolver's legwork. Before the
 * query leaves, its source port and id are registered with the attribution registry so
 * the server can name the lab host that asked; the entry goes when the exchange ends.
 */
export interface Exchange {
  address: string;
  port: number;
  query: DnsMessage;
  timeoutMs: number;
  context: LookupContext;
  attribution?: QueryAttribution;
}

export type ExchangeFailure = 'timeout' | 'unreachable' | 'badresp';

export class ExchangeError extends Error {
  constructor(
    readonly reason: ExchangeFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

/**
 * The end of one exchange, whichever comes first: an answer, an error or the timeout.
 * Settles once; `cleanup` (close the socket, drop the attribution entry) runs once.
 */
function exchangeEnd(
  ex: Exchange,
  transport: 'UDP' | 'TCP',
  cleanup: () => void,
  resolve: (answer: DnsMessage) => void,
  reject: (err: Error) => void,
): (result: DnsMessage | Error) => void {
  let done = false;
  const finish = (result: DnsMessage | Error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    cleanup();
    if (result instanceof Error) reject(result);
    else resolve(result);
  };
  const timer = setTimeout(() => finish(new ExchangeError('timeout', `no answer over ${transport}`)), ex.timeoutMs);
  return finish;
}

export function exchangeUdp(ex: Exchange): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(ex.address) ? 'udp6' : 'udp4');
    let release = () => {};
    const finish = exchangeEnd(
      ex,
      'UDP',
      () => {
        release();
        socket.close();
      },
      resolve,
      reject,
    );
    // A connected UDP socket hears ICMP "port unreachable" as ECONNREFUSED: no need to wait.
    socket.on('error', (err) => finish(new ExchangeError('unreachable', err.message)));
    socket.on('message', (packet) => {
      const answer = matchAnswer(packet, ex.query);
      if (answer) finish(answer);
    });
    socket.connect(ex.port, ex.address, () => {
      release = ex.attribution?.register(socket.address().port, ex.query.header.id, ex.context) ?? release;
      socket.send(encodeMessage(ex.query));
    });
  });
}

export function exchangeTcp(ex: Exchange): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ex.address, port: ex.port });
    const reader = new FrameReader();
    let release = () => {};
    const finish = exchangeEnd(
      ex,
      'TCP',
      () => {
        release();
        socket.destroy();
      },
      resolve,
      reject,
    );
    socket.on('error', (err) => finish(new ExchangeError('unreachable', err.message)));
    socket.on('close', () => finish(new ExchangeError('badresp', 'connection closed before the answer')));
    socket.on('connect', () => {
      release = ex.attribution?.register(socket.localPort ?? 0, ex.query.header.id, ex.context) ?? release;
      socket.write(frame(encodeMessage(ex.query)));
    });
    socket.on('data', (chunk) => {
      for (const packet of reader.push(chunk)) {
        const answer = matchAnswer(packet, ex.query);
        if (answer) return finish(answer);
      }
    });
  });
}

/**
 * The packet if it answers our query: a response with our id and our question.
 * Anything else is ignored (a late answer to an earlier try, or a spoofing attempt);
 * our own answer with a broken body is an error (EBADRESP).
 */
function matchAnswer(packet: Buffer, query: DnsMessage): DnsMessage | ExchangeError | undefined {
  const header = decodeHeader(packet);
  if (!header || !header.qr || header.id !== query.header.id) return undefined;
  let answer: DnsMessage;
  try {
    answer = decodeMessage(packet);
  } catch (err) {
    return new ExchangeError('badresp', (err as Error).message);
  }
  const asked = query.questions[0]!;
  const echoed = answer.questions[0];
  // FORMERR and friends may come without the question; the rcode says enough then.
  if (echoed && (canonicalName(echoed.name) !== canonicalName(asked.name) || echoed.type !== asked.type))
    return undefined;
  return answer;
}
