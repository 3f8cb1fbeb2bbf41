/**
 * The few BER (X.690) pieces this server reads and writes itself, outside ldapjs:
 * message framing, a peek at a request's first fields, and small result messages
 * (RFC 4511 §4.1.1, §4.1.9). Definite lengths only, as LDAP requires.
 */

export interface BerHeader {
  tag: number;
  /** Bytes taken by tag + length. */
  headerBytes: number;
  contentBytes: number;
}

/** Read a tag and length at `offset`. undefined = not enough bytes yet; a string = malformed. */
export function readHeader(buf: Buffer, offset = 0): BerHeader | string | undefined {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) return undefined;
  if ((tag & 0x1f) === 0x1f) return 'multi-byte BER tags are not used in LDAP';
  if (first < 0x80) return { tag, headerBytes: 2, contentBytes: first };
  if (first === 0x80) return 'indefinite BER length is not allowed in LDAP';
  const lengthBytes = first & 0x7f;
  if (lengthBytes > 4) return 'BER length too large';
  if (buf.length < offset + 2 + lengthBytes) return undefined;
  let length = 0;
  for (let k = 0; k < lengthBytes; k++) length = length * 256 + buf[offset + 2 + k]!;
  return { tag, headerBytes: 2 + lengthBytes, contentBytes: length };
}

/** Sequential reader over one complete element's contents; any problem throws an Error. */
export class BerCursor {
  constructor(
    private readonly buf: Buffer,
    private offset = 0,
    private readonly end = buf.length,
  ) {}

  /** Next element: its tag and a cursor over its contents (for constructed types). */
  next(): { tag: number; content: Buffer; cursor: BerCursor } {
    const header = readHeader(this.buf, this.offset);
    if (header === undefined || typeof header === 'string') throw new Error(header ?? 'truncated BER element');
    const start = this.offset + header.headerBytes;
    const stop = start + header.contentBytes;
    if (stop > this.end) throw new Error('truncated BER element');
    this.offset = stop;
    return { tag: header.tag, content: this.buf.subarray(start, stop), cursor: new BerCursor(this.buf, start, stop) };
  }
}

export function decodeInteger(content: Buffer): number {
  if (content.length === 0 || content.length > 4) throw new Error('integer out of range');
  let value = content[0]! & 0x80 ? -1 : 0;
  for (const byte of content) value = value * 256 + byte;
  return value;
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

function encodeInteger(n: number): Buffer {
  const bytes: number[] = [];
  let rest = n;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export interface ResultMessage {
  messageId: number;
  /** Application tag of the response, e.g. 0x61 BindResponse, 0x65 SearchResultDone. */
  responseTag: number;
  resultCode: number;
  matchedDn?: string;
  diagnosticMessage?: string;
  /** ExtendedResponse only: the responseName OID. */
  responseName?: string;
}

/** An LDAPMessage carrying an LDAPResult. */
export function encodeResult(message: ResultMessage): Buffer {
  const parts = [
    tlv(0x0a, Buffer.from([message.resultCode])),
    tlv(0x04, Buffer.from(message.matchedDn ?? '', 'utf8')),
    tlv(0x04, Buffer.from(message.diagnosticMessage ?? '', 'utf8')),
  ];
  if (message.responseName) parts.push(tlv(0x8a, Buffer.from(message.responseName, 'latin1')));
  return tlv(0x30, Buffer.concat([encodeInteger(message.messageId), tlv(message.responseTag, Buffer.concat(parts))]));
}

export interface EntryAttributes {
  type: string;
  values: string[];
}

/** A SearchResultEntry (RFC 4511 §4.5.2): [APPLICATION 4] { objectName, attributes }. */
export function encodeSearchEntry(messageId: number, dn: string, attributes: EntryAttributes[]): Buffer {
  const encoded = attributes.map((a) =>
    tlv(
      0x30,
      Buffer.concat([tlv(0x04, Buffer.from(a.type, 'utf8')), tlv(0x31, Buffer.concat(a.values.map(octetString)))]),
    ),
  );
  const entry = tlv(0x64, Buffer.concat([octetString(dn), tlv(0x30, Buffer.concat(encoded))]));
  return tlv(0x30, Buffer.concat([encodeInteger(messageId), entry]));
}

function octetString(text: string): Buffer {
  return tlv(0x04, Buffer.from(text, 'utf8'));
}
