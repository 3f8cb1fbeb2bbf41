import { CLASSIC_UDP_LIMIT_BYTES, DnsWireError, EDNS_UDP_SIZE_BYTES, RRType, type ResourceRecord } from './types.js';

/**
 * Just enough EDNS(0) (RFC 6891): read the requestor's OPT record for its UDP size
 * and version, and answer with an OPT of our own. Options are accepted and ignored.
 */
export interface EdnsRequest {
  udpSizeBytes: number;
  version: number;
}

/** Largest UDP answer we ever send, whatever a client advertises. */
const MAX_UDP_ANSWER_BYTES = 4096;

/** The OPT of a query, if any. Two OPT records, or one not at the root, is a FORMERR (§6.1.1). */
export function readEdns(additional: ResourceRecord[]): EdnsRequest | undefined {
  const opts = additional.filter((rr) => rr.type === RRType.OPT);
  if (opts.length === 0) return undefined;
  if (opts.length > 1) throw new DnsWireError('more than one OPT record');
  const opt = opts[0]!;
  if (opt.name !== '') throw new DnsWireError('OPT record not owned by the root');
  return { udpSizeBytes: opt.class, version: (opt.ttl >>> 16) & 0xff };
}

/** How large a UDP answer may be for this client (§6.2.5: below 512 counts as 512). */
export function udpLimitBytes(edns: EdnsRequest | undefined): number {
  if (!edns) return CLASSIC_UDP_LIMIT_BYTES;
  return Math.min(Math.max(edns.udpSizeBytes, CLASSIC_UDP_LIMIT_BYTES), MAX_UDP_ANSWER_BYTES);
}

/** Our OPT record; `rcode` is the full 12-bit code, of which OPT carries the upper 8 bits. */
export function optRecord(rcode: number): ResourceRecord {
  const extended = (rcode >> 4) & 0xff;
  return {
    name: '',
    type: RRType.OPT,
    class: EDNS_UDP_SIZE_BYTES,
    ttl: (extended << 24) >>> 0,
    data: { kind: 'OPT', options: Buffer.alloc(0) },
  };
}

/** The full rcode of a response: header bits plus the OPT's extended bits. */
export function fullRcode(headerRcode: number, additional: ResourceRecord[]): number {
  const opt = additional.find((rr) => rr.type === RRType.OPT);
  return opt ? (((opt.ttl >>> 24) & 0xff) << 4) | headerRcode : headerRcode;
}
