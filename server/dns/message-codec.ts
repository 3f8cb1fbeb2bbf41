import { readRdata, writeRdata } from './rdata.js';
import { DnsWireError, type DnsHeader, type DnsMessage, type DnsQuestion, type ResourceRecord } from './types.js';
import { WireReader, WireWriter } from './wire.js';

/**
 * Whole DNS messages (RFC 1035 §4.1) to and from bytes. Decoding is strict: the
 * section counts must match what is there, to the last byte, or it is a FORMERR.
 */
export const HEADER_BYTES = 12;

export function decodeMessage(buf: Buffer): DnsMessage {
  const r = new WireReader(buf);
  if (buf.length < HEADER_BYTES) throw new DnsWireError('packet shorter than a DNS header');
  const header = readHeader(r);
  const [qdCount, anCount, nsCount, arCount] = [r.u16('QDCOUNT'), r.u16('ANCOUNT'), r.u16('NSCOUNT'), r.u16('ARCOUNT')];
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qdCount!; i++) questions.push({ name: r.name(), type: r.u16('QTYPE'), class: r.u16('QCLASS') });
  const section = (count: number) => Array.from({ length: count }, () => readRecord(r));
  const message = {
    header,
    questions,
    answers: section(anCount!),
    authority: section(nsCount!),
    additional: section(arCount!),
  };
  if (r.remaining > 0) throw new DnsWireError(`${r.remaining} bytes after the last record`);
  return message;
}

/** The id and flags alone: enough to answer FORMERR to a packet whose body is broken. */
export function decodeHeader(buf: Buffer): DnsHeader | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  return readHeader(new WireReader(buf));
}

function readHeader(r: WireReader): DnsHeader {
  const id = r.u16('ID');
  const flags = r.u16('flags');
  return {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0x0f,
  };
}

function readRecord(r: WireReader): ResourceRecord {
  const name = r.name();
  const type = r.u16('TYPE');
  const klass = r.u16('CLASS');
  const ttl = r.u32('TTL');
  const length = r.u16('RDLENGTH');
  return { name, type, class: klass, ttl, data: readRdata(r, type, length) };
}

export function encodeMessage(message: DnsMessage): Buffer {
  const w = new WireWriter();
  writeHeader(w, message.header);
  for (const count of [message.questions, message.answers, message.authority, message.additional]) w.u16(count.length);
  for (const q of message.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of [...message.answers, ...message.authority, ...message.additional]) writeRecord(w, rr);
  return w.toBuffer();
}

function writeHeader(w: WireWriter, h: DnsHeader): void {
  w.u16(h.id);
  const flags =
    (h.qr ? 0x8000 : 0) |
    ((h.opcode & 0x0f) << 11) |
    (h.aa ? 0x0400 : 0) |
    (h.tc ? 0x0200 : 0) |
    (h.rd ? 0x0100 : 0) |
    (h.ra ? 0x0080 : 0) |
    (h.rcode & 0x0f);
  w.u16(flags);
}

function writeRecord(w: WireWriter, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lengthAt = w.offset;
  w.u16(0);
  writeRdata(w, rr.data);
  const length = w.offset - lengthAt - 2;
  if (length > 0xffff) throw new DnsWireError('RDATA longer than 65535 bytes');
  w.patchU16(lengthAt, length);
}

/**
 * Encode a response; when it is longer than `limitBytes` (UDP), send instead the header
 * with TC=1, the question and the OPT record, so the client asks again over TCP
 * (RFC 1035 §4.2.1, RFC 2181 §9: a partial RRset would be worse than none).
 */
export function encodeWithLimit(message: DnsMessage, limitBytes: number): { bytes: Buffer; truncated: boolean } {
  const full = encodeMessage(message);
  if (full.length <= limitBytes) return { bytes: full, truncated: false };
  const opt = message.additional.filter((rr) => rr.data.kind === 'OPT');
  const short: DnsMessage = {
    header: { ...message.header, tc: true },
    questions: message.questions,
    answers: [],
    authority: [],
    additional: opt,
  };
  return { bytes: encodeMessage(short), truncated: true };
}
