import { isIPv4, isIPv6 } from 'node:net';
import { DnsWireError, RRType, type RecordData } from './types.js';
import type { WireReader, WireWriter } from './wire.js';

/**
 * RDATA of the record types the lab serves (RFC 1035 §3.3, RFC 3596 §2.2), read and
 * written. Names inside MX, CNAME, PTR, NS and SOA may be compressed (RFC 3597 §4
 * allows it for exactly these well-known types); anything else stays opaque bytes.
 */
export function writeRdata(w: WireWriter, data: RecordData): void {
  switch (data.kind) {
    case 'A':
      return w.bytes(ipv4Bytes(data.address));
    case 'AAAA':
      return w.bytes(ipv6Bytes(data.address));
    case 'MX':
      w.u16(data.preference);
      return w.name(data.exchange);
    case 'TXT':
      // An RR needs at least one character-string, even when the value is empty.
      for (const text of data.texts.length > 0 ? data.texts.flatMap(splitCharacterStrings) : ['']) {
        const bytes = Buffer.from(text, 'utf8');
        w.u8(bytes.length);
        w.bytes(bytes);
      }
      return;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return w.name(data.target);
    case 'SOA':
      w.name(data.mname);
      w.name(data.rname);
      for (const n of [data.serial, data.refreshSeconds, data.retrySeconds, data.expireSeconds, data.minimumSeconds])
        w.u32(n);
      return;
    case 'OPT':
      return w.bytes(data.options);
    case 'unknown':
      return w.bytes(data.raw);
  }
}

/** Read `length` bytes of RDATA at the reader's offset; the reader ends right after them. */
export function readRdata(r: WireReader, type: number, length: number): RecordData {
  const end = r.offset + length;
  if (end > r.buf.length) throw new DnsWireError('packet ends inside RDATA');
  const data = readKnown(r, type, end);
  if (r.offset !== end) throw new DnsWireError(`RDATA of type ${type} does not fill its RDLENGTH`);
  return data;
}

function readKnown(r: WireReader, type: number, end: number): RecordData {
  switch (type) {
    case RRType.A:
      if (end - r.offset !== 4) throw new DnsWireError('A record is not 4 bytes');
      return { kind: 'A', address: [...r.bytes(4, 'A')].join('.') };
    case RRType.AAAA:
      if (end - r.offset !== 16) throw new DnsWireError('AAAA record is not 16 bytes');
      return { kind: 'AAAA', address: ipv6Text(r.bytes(16, 'AAAA')) };
    case RRType.MX:
      return { kind: 'MX', preference: r.u16('MX preference'), exchange: r.name() };
    case RRType.TXT:
      return { kind: 'TXT', texts: readCharacterStrings(r, end) };
    case RRType.CNAME:
      return { kind: 'CNAME', target: r.name() };
    case RRType.PTR:
      return { kind: 'PTR', target: r.name() };
    case RRType.NS:
      return { kind: 'NS', target: r.name() };
    case RRType.SOA:
      return readSoa(r);
    case RRType.OPT:
      return { kind: 'OPT', options: Buffer.from(r.bytes(end - r.offset, 'OPT')) };
    default:
      return { kind: 'unknown', raw: Buffer.from(r.bytes(end - r.offset, 'RDATA')) };
  }
}

function readSoa(r: WireReader): RecordData {
  const mname = r.name();
  const rname = r.name();
  return {
    kind: 'SOA',
    mname,
    rname,
    serial: r.u32('SOA'),
    refreshSeconds: r.u32('SOA'),
    retrySeconds: r.u32('SOA'),
    expireSeconds: r.u32('SOA'),
    minimumSeconds: r.u32('SOA'),
  };
}

function readCharacterStrings(r: WireReader, end: number): string[] {
  if (r.offset === end) throw new DnsWireError('TXT record without a character-string');
  const texts: string[] = [];
  while (r.offset < end) {
    const length = r.u8('TXT length');
    if (r.offset + length > end) throw new DnsWireError('TXT character-string runs past RDLENGTH');
    texts.push(r.bytes(length, 'TXT').toString('utf8'));
  }
  return texts;
}

/**
 * A character-string holds at most 255 bytes (RFC 1035 §3.3), so a long TXT value
 * (a DKIM key) is sent as several; readers join them. We cut between characters, never
 * inside a UTF-8 sequence. An empty value stays one empty character-string.
 */
export function splitCharacterStrings(text: string): string[] {
  const chunks: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (currentBytes + size > 255) {
      chunks.push(current);
      current = '';
      currentBytes = 0;
    }
    current += ch;
    currentBytes += size;
  }
  chunks.push(current);
  return chunks;
}

function ipv4Bytes(address: string): Buffer {
  if (!isIPv4(address)) throw new DnsWireError(`not an IPv4 address: ${address}`);
  return Buffer.from(address.split('.').map(Number));
}

/** 16 bytes of an IPv6 address, "::" and an embedded dotted quad included. */
export function ipv6Bytes(address: string): Buffer {
  if (!isIPv6(address)) throw new DnsWireError(`not an IPv6 address: ${address}`);
  let text = address.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const b = quad[1]!.split('.').map(Number);
    text =
      text.slice(0, -quad[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups as "::". */
export function ipv6Text(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
