import { randomInt } from 'node:crypto';
import type { QueryAttribution } from './attribution.js';
import { exchangeTcp, exchangeUdp, ExchangeError, type Exchange } from './client-transport.js';
import { optRecord } from './edns.js';
import { nameToLabels, stripRootDot } from './names.js';
import { DnsLookupError, type DnsErrorCode, type LabResolver, type LookupContext, type MxRecord } from './resolver.js';
import { reverseName } from './reverse-names.js';
import { Rcode, RRClass, RRType, typeName, type DnsMessage, type RecordData } from './types.js';

export interface LabDnsResolverOptions {
  /** Where the lab's DNS server listens (connect address, not a wildcard bind address). */
  address: string;
  port: number;
  /** Shared with the DNS server so its trace names the lab host that asked. */
  attribution?: QueryAttribution;
  /** Per try; real time (a socket timeout is about the machine, not the story). */
  timeoutMs?: number;
  tries?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_TRIES = 2;

/**
 * The lab's stub resolver: asks only the lab's own DNS server, never the machine's
 * resolver. UDP first (a fresh socket and a random id per try), TCP when the answer
 * came truncated. Every failure is a DnsLookupError with a node:dns-style code.
 */
export class LabDnsResolver implements LabResolver {
  constructor(private readonly opts: LabDnsResolverOptions) {}

  async resolveMx(domain: string, context: LookupContext): Promise<MxRecord[]> {
    const records = await this.lookup(domain, RRType.MX, context);
    return records
      .flatMap((d) => (d.kind === 'MX' ? [{ exchange: d.exchange, priority: d.preference }] : []))
      .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  }

  async resolveA(name: string, context: LookupContext): Promise<string[]> {
    const records = await this.lookup(name, RRType.A, context);
    return records.flatMap((d) => (d.kind === 'A' ? [d.address] : []));
  }

  async resolveAaaa(name: string, context: LookupContext): Promise<string[]> {
    const records = await this.lookup(name, RRType.AAAA, context);
    return records.flatMap((d) => (d.kind === 'AAAA' ? [d.address] : []));
  }

  async resolveTxt(name: string, context: LookupContext): Promise<string[][]> {
    const records = await this.lookup(name, RRType.TXT, context);
    return records.flatMap((d) => (d.kind === 'TXT' ? [d.texts] : []));
  }

  async reverse(address: string, context: LookupContext): Promise<string[]> {
    const name = reverseName(address);
    if (!name) throw new DnsLookupError('ENOTFOUND', address, 'PTR');
    const records = await this.lookup(name, RRType.PTR, context);
    return records.flatMap((d) => (d.kind === 'PTR' ? [d.target] : []));
  }

  /** The RDATA of every answer of the asked type (a CNAME chain's final records). */
  async lookup(name: string, type: number, context: LookupContext): Promise<RecordData[]> {
    const hostname = stripRootDot(name);
    const rrtype = typeName(type);
    try {
      nameToLabels(hostname);
    } catch {
      // A name that cannot be written cannot exist.
      throw new DnsLookupError('ENOTFOUND', hostname, rrtype);
    }
    const answer = await this.ask(hostname, type, context, rrtype);
    const code = errorCodeOf(answer.header.rcode);
    if (code) throw new DnsLookupError(code, hostname, rrtype);
    const records = answer.answers.filter((rr) => rr.type === type && rr.class === RRClass.IN).map((rr) => rr.data);
    if (records.length === 0) throw new DnsLookupError('ENODATA', hostname, rrtype);
    return records;
  }

  private async ask(name: string, type: number, context: LookupContext, rrtype: string): Promise<DnsMessage> {
    const tries = this.opts.tries ?? DEFAULT_TRIES;
    for (let attempt = 0; attempt < tries; attempt++) {
      const exchange = this.exchange(name, type, context);
      try {
        const answer = await exchangeUdp(exchange);
        // Truncated: the whole answer only fits over TCP (RFC 7766 §5).
        return answer.header.tc ? await exchangeTcp(this.exchange(name, type, context)) : answer;
      } catch (err) {
        if (!(err instanceof ExchangeError)) throw err;
        if (err.reason === 'badresp') throw new DnsLookupError('EBADRESP', name, rrtype);
        // 'timeout' or 'unreachable': both mean no answer; try again while tries last.
      }
    }
    throw new DnsLookupError('ETIMEOUT', name, rrtype);
  }

  private exchange(name: string, type: number, context: LookupContext): Exchange {
    const query: DnsMessage = {
      header: { id: randomInt(0, 0x10000), qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0 },
      questions: [{ name, type, class: RRClass.IN }],
      answers: [],
      authority: [],
      // EDNS: a DKIM key fits in one UDP answer instead of a TCP retry.
      additional: [optRecord(Rcode.NOERROR)],
    };
    return {
      address: this.opts.address,
      port: this.opts.port,
      query,
      timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      context,
      attribution: this.opts.attribution,
    };
  }
}

function errorCodeOf(rcode: number): DnsErrorCode | undefined {
  switch (rcode) {
    case Rcode.NOERROR:
      return undefined;
    case Rcode.NXDOMAIN:
      return 'ENOTFOUND';
    case Rcode.SERVFAIL:
      return 'ESERVFAIL';
    case Rcode.REFUSED:
      return 'EREFUSED';
    default:
      return 'EBADRESP';
  }
}
