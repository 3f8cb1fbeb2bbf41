import { labelToText, MAX_LABEL_BYTES, MAX_NAME_BYTES, nameToLabels } from './names.js';
import { DnsWireError } from './types.js';

/**
 * Byte-level reading and writing of DNS messages. Every read is bounds-checked and
 * fails with DnsWireError, so a hostile packet can never surface as a RangeError.
 */
export class WireReader {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.buf.length) throw new DnsWireError(`packet ends inside ${what}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number, what: string): Buffer {
    this.need(length, what);
    const out = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /**
   * A possibly compressed name (RFC 1035 §4.1.4). A pointer must point strictly
   * backwards, before the pointer itself, which rules out loops; the 255-byte limit
   * bounds the work on top of that.
   */
  name(): string {
    const labels: string[] = [];
    let wireBytes = 1;
    let at = this.offset;
    let resumeAt: number | undefined;
    for (;;) {
      if (at >= this.buf.length) throw new DnsWireError('packet ends inside a name');
      const length = this.buf[at]!;
      if (length === 0) {
        at += 1;
        break;
      }
      const flags = length & 0xc0;
      if (flags === 0xc0) {
        if (at + 1 >= this.buf.length) throw new DnsWireError('packet ends inside a compression pointer');
        const target = ((length & 0x3f) << 8) | this.buf[at + 1]!;
        if (target >= at) throw new DnsWireError('compression pointer does not point backwards');
        resumeAt ??= at + 2;
        at = target;
        continue;
      }
      if (flags !== 0) throw new DnsWireError(`unsupported label type 0x${flags.toString(16)}`);
      if (length > MAX_LABEL_BYTES) throw new DnsWireError('label longer than 63 bytes');
      if (at + 1 + length > this.buf.length) throw new DnsWireError('packet ends inside a label');
      wireBytes += 1 + length;
      if (wireBytes > MAX_NAME_BYTES) throw new DnsWireError('name longer than 255 bytes');
      labels.push(labelToText(this.buf.subarray(at + 1, at + 1 + length)));
      at += 1 + length;
    }
    this.offset = resumeAt ?? at;
    return labels.join('.');
  }
}

/** Pointers can only reach the first 16 KiB of a message (14-bit offsets). */
const MAX_POINTER_OFFSET = 0x3fff;

export class WireWriter {
  private buf = Buffer.alloc(512);
  private length = 0;
  /**
   * Name suffix → where it was first written, for compression. Matched byte for byte,
   * not case-insensitively, so every name reads back with the case it was given.
   */
  private readonly suffixes = new Map<string, number>();

  get offset(): number {
    return this.length;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + bytes));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buf.writeUInt8(value, this.length);
    this.length += 1;
  }

  u16(value: number): void {
    this.reserve(2);
    this.buf.writeUInt16BE(value, this.length);
    this.length += 2;
  }

  u32(value: number): void {
    this.reserve(4);
    this.buf.writeUInt32BE(value >>> 0, this.length);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Overwrite a 16-bit field written earlier (RDLENGTH once the RDATA is known). */
  patchU16(at: number, value: number): void {
    this.buf.writeUInt16BE(value, at);
  }

  /** A name, replacing its longest already-written suffix with a pointer. */
  name(name: string, compress = true): void {
    const labels = nameToLabels(name);
    for (let i = 0; i < labels.length; i++) {
      const key = labels
        .slice(i)
        .map((l) => l.toString('hex'))
        .join('.');
      const earlier = compress ? this.suffixes.get(key) : undefined;
      if (earlier !== undefined) {
        this.u16(0xc000 | earlier);
        return;
      }
      if (this.length <= MAX_POINTER_OFFSET && !this.suffixes.has(key)) this.suffixes.set(key, this.length);
      this.u8(labels[i]!.length);
      this.bytes(labels[i]!);
    }
    this.u8(0);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
