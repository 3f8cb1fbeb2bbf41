import { DnsLookupError, type DnsErrorCode, type LabResolver, type MxRecord } from '../../dns/resolver.js';

/**
 * Where mail for a domain goes (RFC 5321 §5.1): the MX hosts in order of preference,
 * or the domain itself when it has no MX records at all (the "implicit MX"). The
 * answer can also be "stop here": a domain that does not exist, one that says it takes
 * no mail (null MX, RFC 7505), or DNS that cannot tell us right now.
 */

/** One host to try, in order. */
export interface MxCandidate {
  host: string;
  /** MX preference; undefined for an implicit MX or a relay host. */
  preference?: number;
  /** True when there was no MX record and the domain's own address is used. */
  implicit: boolean;
}

/** A result for every recipient of the job, decided before any connection. */
export interface MxStop {
  status: 'failed' | 'deferred';
  code: number;
  enhanced: string;
  text: string;
}

export type MxPlan = { kind: 'hosts'; hosts: MxCandidate[] } | ({ kind: 'stop' } & MxStop);

/** Who asks, for the DNS server's `dns.answered` event; the purpose is added per query. */
export interface LookupTrace {
  callerNode: string;
  traceId?: string;
  spanId?: string;
}

export type HostAddresses =
  | { kind: 'addresses'; addresses: string[] }
  /** `negative`: DNS said the name or its A record does not exist (not a failure to find out). */
  | { kind: 'none'; reason: string; negative: boolean };

/** Lower case, no trailing dot; the null MX target "." becomes "". */
export function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** RFC 7505: a domain's only MX is "0 ." — it accepts no mail at all. */
export function isNullMx(records: MxRecord[]): boolean {
  return records.length > 0 && records.every((r) => normalizeHost(r.exchange) === '');
}

/**
 * Lowest preference first. RFC 5321 allows a random order among equal preferences;
 * the lab sorts them by name so that every run (and every lesson) tries them alike.
 * A host listed twice is tried once, at its best preference; null targets are dropped.
 */
export function orderMx(records: MxRecord[]): MxCandidate[] {
  const best = new Map<string, number>();
  for (const record of records) {
    const host = normalizeHost(record.exchange);
    if (host === '') continue;
    const known = best.get(host);
    if (known === undefined || record.priority < known) best.set(host, record.priority);
  }
  return [...best]
    .sort(([hostA, prefA], [hostB, prefB]) => prefA - prefB || (hostA < hostB ? -1 : hostA > hostB ? 1 : 0))
    .map(([host, preference]) => ({ host, preference, implicit: false }));
}

const DNS_WORDS: Record<DnsErrorCode, string> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'no such record',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  ETIMEOUT: 'timed out',
  EBADRESP: 'bad response',
};

export function dnsWords(err: unknown): string {
  return err instanceof DnsLookupError ? DNS_WORDS[err.code] : 'lookup failed';
}

export async function planMx(domain: string, resolver: LabResolver, trace: LookupTrace): Promise<MxPlan> {
  const name = normalizeHost(domain);
  let records: MxRecord[];
  try {
    records = await resolver.resolveMx(name, { ...trace, purpose: `MX for ${name}` });
  } catch (err) {
    const code = err instanceof DnsLookupError ? err.code : undefined;
    if (code === 'ENOTFOUND') {
      return stop('failed', 550, '5.1.2', `domain ${name} does not exist (DNS: NXDOMAIN)`);
    }
    if (code === 'ENODATA') return implicitMx(name);
    // SERVFAIL, timeout, refused: DNS could not say, so the domain may well be fine.
    return stop('deferred', 451, '4.4.3', `MX lookup for ${name} failed (DNS: ${dnsWords(err)}); will retry`);
  }
  if (records.length === 0) return implicitMx(name);
  if (isNullMx(records)) return stop('failed', 556, '5.1.10', `${name} accepts no mail (null MX, RFC 7505)`);
  return { kind: 'hosts', hosts: orderMx(records) };
}

/** The host's IPv4 addresses (the lab has no IPv6), or why there are none. */
export async function addressesOf(host: string, resolver: LabResolver, trace: LookupTrace): Promise<HostAddresses> {
  try {
    const addresses = await resolver.resolveA(host, { ...trace, purpose: `A for ${host}` });
    if (addresses.length > 0) return { kind: 'addresses', addresses };
    return { kind: 'none', reason: 'no A record', negative: true };
  } catch (err) {
    const negative = err instanceof DnsLookupError && err.isNegative;
    return { kind: 'none', reason: `A lookup: ${dnsWords(err)}`, negative };
  }
}

/**
 * An implicit MX without an address is the end of the road for the domain (nowhere to
 * send to: 5.4.4); an MX host without one is merely skipped, the next MX may do.
 */
export function noAddressStop(candidate: MxCandidate, result: HostAddresses & { kind: 'none' }): MxStop | undefined {
  if (!candidate.implicit) return undefined;
  if (result.negative) {
    return {
      status: 'failed',
      code: 550,
      enhanced: '5.4.4',
      text: `${candidate.host} has no MX and no address record`,
    };
  }
  return {
    status: 'deferred',
    code: 451,
    enhanced: '4.4.3',
    text: `address lookup for ${candidate.host} failed (${result.reason}); will retry`,
  };
}

function implicitMx(domain: string): MxPlan {
  return { kind: 'hosts', hosts: [{ host: domain, implicit: true }] };
}

function stop(status: MxStop['status'], code: number, enhanced: string, text: string): MxPlan {
  return { kind: 'stop', status, code, enhanced, text };
}
