/**
 * The resolver seam (principle 5): every part of the lab that needs DNS — the
 * smarthost's MX lookup, Internet MTAs, the verdict engine's SPF/DKIM/DMARC checks,
 * reverse lookups — asks through this interface, and the world gives them one that
 * talks to the lab's own DNS server, never the machine's resolver.
 */

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** Who asks and why: the DNS server attributes its `dns.answered` event with it. */
export interface LookupContext {
  /** The lab host asking (a diagram node id), e.g. smarthost.siroe.example. */
  callerNode: string;
  /** Why, in words for the event list: "MX for example.com". */
  purpose: string;
  traceId?: string;
  spanId?: string;
}

/**
 * Error codes follow node:dns so code written against it (mailauth's resolver
 * option among them) reads them unchanged: ENOTFOUND is NXDOMAIN, ENODATA a name
 * with no record of that type, ESERVFAIL a server failure, ETIMEOUT no answer.
 */
export type DnsErrorCode = 'ENOTFOUND' | 'ENODATA' | 'ESERVFAIL' | 'EREFUSED' | 'ETIMEOUT' | 'EBADRESP';

export class DnsLookupError extends Error {
  constructor(
    readonly code: DnsErrorCode,
    readonly hostname: string,
    readonly rrtype: string,
  ) {
    super(`${rrtype} ${hostname}: ${code}`);
    this.name = 'DnsLookupError';
  }

  /** True when the name or the record does not exist (as opposed to a failure to find out). */
  get isNegative(): boolean {
    return this.code === 'ENOTFOUND' || this.code === 'ENODATA';
  }
}

export interface LabResolver {
  /** For a caching resolver: changes whenever it drops its cached answers (so may results built on them). */
  readonly generation?: number;
  resolveMx(domain: string, context: LookupContext): Promise<MxRecord[]>;
  resolveA(name: string, context: LookupContext): Promise<string[]>;
  /** Each TXT record as its character-strings (join them for SPF/DKIM/DMARC). */
  resolveTxt(name: string, context: LookupContext): Promise<string[][]>;
  /** Reverse lookup of an IPv4 or IPv6 address (in-addr.arpa / ip6.arpa). */
  reverse(address: string, context: LookupContext): Promise<string[]>;
}
