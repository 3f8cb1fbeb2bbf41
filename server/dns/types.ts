/**
 * The DNS message as our own code sees it (RFC 1035 §4.1). Names are in presentation
 * form without the final dot ('' is the root); a label holding a dot, a backslash or
 * an unprintable byte is escaped as in master files (`\.`, `\\`, `\DDD`), so a name
 * read off the wire can be written back byte for byte.
 */

/** Resource record types we know by name (RFC 1035 §3.2.2, RFC 3596, RFC 6891). */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const RRClass = { IN: 1, ANY: 255 } as const;

/** Response codes (RFC 1035 §4.1.1; BADVERS is the EDNS extended code of RFC 6891). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

export const Opcode = { QUERY: 0 } as const;

/** Largest UDP answer without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_LIMIT_BYTES = 512;

/** What we advertise in our OPT record: the DNS flag day 2020 recommendation. */
export const EDNS_UDP_SIZE_BYTES = 1232;

export interface DnsHeader {
  id: number;
  /** true in a response. */
  qr: boolean;
  opcode: number;
  /** Authoritative answer. */
  aa: boolean;
  /** Truncated: the answer did not fit, ask again over TCP. */
  tc: boolean;
  /** Recursion desired (asked) / available (offered). */
  rd: boolean;
  ra: boolean;
  /** The low 4 bits; EDNS adds 8 more bits in the OPT record. */
  rcode: number;
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refreshSeconds: number;
  retrySeconds: number;
  expireSeconds: number;
  /** Negative caching TTL (RFC 2308). */
  minimumSeconds: number;
}

export type RecordData =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'MX'; preference: number; exchange: string }
  /** Each entry is one character-string of at most 255 bytes. */
  | { kind: 'TXT'; texts: string[] }
  | { kind: 'CNAME' | 'PTR' | 'NS'; target: string }
  | ({ kind: 'SOA' } & SoaData)
  /** EDNS options, kept opaque: we accept them and answer none. */
  | { kind: 'OPT'; options: Buffer }
  | { kind: 'unknown'; raw: Buffer };

export interface ResourceRecord {
  name: string;
  type: number;
  /** For OPT this is the requestor's UDP payload size. */
  class: number;
  /** For OPT this carries the extended rcode, version and DO flag. */
  ttl: number;
  data: RecordData;
}

export interface DnsMessage {
  header: DnsHeader;
  questions: DnsQuestion[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

/** A packet that does not parse (or a name that cannot be written). Never escapes the server. */
export class DnsWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsWireError';
  }
}

const typeNames = new Map<number, string>(Object.entries(RRType).map(([name, code]) => [code, name]));
const rcodeNames = new Map<number, string>(Object.entries(Rcode).map(([name, code]) => [code, name]));

/** "MX", or "TYPE65" for a type we have no name for (RFC 3597 §5). */
export function typeName(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

export function rcodeName(rcode: number): string {
  return rcodeNames.get(rcode) ?? `RCODE${rcode}`;
}
