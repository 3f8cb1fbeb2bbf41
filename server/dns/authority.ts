import { canonicalName } from './names.js';
import { Rcode, RRClass, RRType, type DnsQuestion, type ResourceRecord } from './types.js';
import type { Zone } from './zone.js';
import type { ZoneTable } from './zones.js';

/**
 * How an authoritative-only server answers one question (RFC 1034 §4.3.2, minus
 * delegations and wildcards, which the lab's zones do not use):
 * - a name in none of our zones: REFUSED (we are not a recursive resolver);
 * - the RRset exists: it is the answer;
 * - a CNAME at the name: it is given, and followed while the target is in our zones;
 * - the name exists without that type: NODATA (NOERROR, the zone's SOA in authority);
 * - the name does not exist: NXDOMAIN (with the SOA, RFC 2308).
 */
export interface AuthoritativeAnswer {
  rcode: number;
  /** AA: set whenever one of our zones answered. */
  authoritative: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
}

/** More CNAME hops than this is a misconfigured chain; give what we have. */
const MAX_CNAME_HOPS = 8;

export function answerQuestion(table: ZoneTable, question: DnsQuestion): AuthoritativeAnswer {
  const first = table.zoneFor(question.name);
  if (!first || question.class !== RRClass.IN) return refused();
  if (question.type === RRType.AXFR || question.type === RRType.IXFR || question.type === RRType.OPT) return refused();
  const answers: ResourceRecord[] = [];
  const seen = new Set<string>();
  let name = question.name;
  let zone: Zone | undefined = first;
  for (let hop = 0; zone && hop <= MAX_CNAME_HOPS; hop++) {
    seen.add(canonicalName(name));
    const found = question.type === RRType.ANY ? zone.all(name) : zone.get(name, question.type);
    if (found.length > 0) return noError(answers.concat(found.map((rr) => ({ ...rr, name }))));
    const cname = zone.get(name, RRType.CNAME)[0];
    if (!cname || cname.data.kind !== 'CNAME') {
      const negative = [negativeSoa(zone)];
      return zone.exists(name)
        ? { ...noError(answers), authority: negative }
        : { ...nxdomain(answers), authority: negative };
    }
    answers.push({ ...cname, name });
    name = cname.data.target;
    if (seen.has(canonicalName(name))) break;
    zone = table.zoneFor(name);
  }
  // The chain leaves our zones (the resolver follows it elsewhere) or loops / runs too long.
  return noError(answers);
}

/** The SOA as negative answers carry it: its TTL capped by MINIMUM (RFC 2308 §3). */
export function negativeSoa(zone: Zone): ResourceRecord {
  const soa = zone.soa;
  const minimum = soa.data.kind === 'SOA' ? soa.data.minimumSeconds : soa.ttl;
  return { ...soa, ttl: Math.min(soa.ttl, minimum) };
}

function refused(): AuthoritativeAnswer {
  return { rcode: Rcode.REFUSED, authoritative: false, answers: [], authority: [] };
}

function noError(answers: ResourceRecord[]): AuthoritativeAnswer {
  return { rcode: Rcode.NOERROR, authoritative: true, answers, authority: [] };
}

function nxdomain(answers: ResourceRecord[]): AuthoritativeAnswer {
  return { rcode: Rcode.NXDOMAIN, authoritative: true, answers, authority: [] };
}
