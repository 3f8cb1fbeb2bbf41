import type { Socket } from 'node:net';
import { ResultCode } from './result-codes.js';

/**
 * Limits that keep one bad client from hurting the directory. ldapjs buffers a
 * message until it is complete, whatever length its header claims; here we read
 * each message's BER header ourselves and refuse one that is too big before a
 * byte of it is buffered, with a Notice of Disconnection (RFC 4511 §4.4.1).
 */
export interface ConnectionLimits {
  /** Largest LDAP message accepted; real requests here are a few hundred bytes. */
  maxMessageBytes: number;
  /** Idle connections are closed after this long (ldapjs ends a socket on 'timeout'). */
  idleTimeoutMs: number;
  /** Stop reading requests while this many reply bytes wait to be sent. */
  replyBacklogBytes: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxMessageBytes: 256 * 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  replyBacklogBytes: 1024 * 1024,
};

const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

/**
 * Counts the bytes of each top-level LDAP message (a BER SEQUENCE, tag 0x30) from
 * its definite-length header. `feed` returns a reason to disconnect, or undefined.
 */
export class LdapFrameMeter {
  private header: number[] = [];
  private remainingBytes = 0;

  constructor(private readonly maxMessageBytes: number) {}

  feed(chunk: Buffer): string | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.remainingBytes > 0) {
        const take = Math.min(this.remainingBytes, chunk.length - i);
        this.remainingBytes -= take;
        i += take;
        continue;
      }
      this.header.push(chunk[i++]!);
      const length = readHeader(this.header);
      if (length === undefined) continue;
      if (typeof length === 'string') return length;
      this.header = [];
      if (length > this.maxMessageBytes) {
        return `message of ${length} bytes exceeds the limit of ${this.maxMessageBytes}`;
      }
      this.remainingBytes = length;
    }
    return undefined;
  }
}

/** Content length from a BER header, undefined if more header bytes are needed, or an error text. */
function readHeader(header: number[]): number | string | undefined {
  if (header[0] !== 0x30) return 'not an LDAP message (expected a BER SEQUENCE)';
  const first = header[1];
  if (first === undefined) return undefined;
  if (first < 0x80) return first;
  if (first === 0x80) return 'indefinite BER length is not allowed in LDAP';
  const lengthBytes = first & 0x7f;
  if (lengthBytes > 4) return 'BER length too large';
  if (header.length < 2 + lengthBytes) return undefined;
  let length = 0;
  for (let k = 0; k < lengthBytes; k++) length = length * 256 + header[2 + k]!;
  return length;
}

function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), berLength(content.length), content]);
}

/** An unsolicited ExtendedResponse with messageID 0: "I am closing this connection, and why". */
export function noticeOfDisconnection(resultCode: number, message: string): Buffer {
  const response = Buffer.concat([
    tlv(0x0a, Buffer.from([resultCode])),
    tlv(0x04, Buffer.alloc(0)),
    tlv(0x04, Buffer.from(message, 'utf8')),
    tlv(0x8a, Buffer.from(NOTICE_OF_DISCONNECTION_OID, 'latin1')),
  ]);
  return tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([0])), tlv(0x78, response)]));
}

/**
 * Hand a new socket to ldapjs behind our limits: ldapjs's own 'data' listener is
 * wrapped so it only ever sees bytes of acceptable messages.
 */
export function guardConnection(socket: Socket, limits: ConnectionLimits, attach: (socket: Socket) => void): void {
  socket.setTimeout(limits.idleTimeoutMs);
  attach(socket);
  const ldapjsListeners = socket.listeners('data') as ((chunk: Buffer) => void)[];
  socket.removeAllListeners('data');
  const meter = new LdapFrameMeter(limits.maxMessageBytes);
  let refused = false;
  socket.on('data', (chunk: Buffer) => {
    if (refused) return;
    const problem = meter.feed(chunk);
    if (problem) {
      refused = true;
      socket.end(noticeOfDisconnection(ResultCode.protocolError, problem), () => socket.destroy());
      return;
    }
    for (const listener of ldapjsListeners) listener.call(socket, chunk);
    if (socket.writableLength > limits.replyBacklogBytes && !socket.isPaused()) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
}
