import { isIPv4, isIPv6 } from 'node:net';
import type { DnsRecordType, DnsZoneSpec } from '../api/world-spec.js';
import { canonicalName, isInZone } from './names.js';
import { IN_ADDR_ARPA, IP6_ARPA, reverseName } from './reverse-names.js';
import { RRClass, RRType, type ResourceRecord } from './types.js';
import { Zone } from './zone.js';
import { dataFromValue, DEFAULT_TTL_SECONDS, recordFromSpec } from './zone-records.js';

export interface ZoneTableOptions {
  zones: DnsZoneSpec[];
  /** The world's DNS host (ns.siroe.example): MNAME of every SOA and NS of every zone. */
  nsHost: string;
  /** Its address: published as an A (or AAAA) record when nsHost is in our zones and has none. */
  nsAddress?: string;
  defaultTtlSeconds?: number;
}

/**
 * Everything the lab's DNS server is authoritative for: the world's zones, each with
 * an SOA and NS added, plus reverse zones (in-addr.arpa, ip6.arpa) derived from the
 * A and AAAA records so that reverse lookups of lab addresses answer.
 */
export class ZoneTable {
  private zones: Zone[] = [];
  /** PTR records we derived (not written in the spec): rebuilt whenever an address changes. */
  private readonly derivedPtrs = new Set<ResourceRecord>();
  private readonly nsHost: string;
  private readonly defaultTtlSeconds: number;

  constructor(opts: ZoneTableOptions) {
    this.nsHost = canonicalName(opts.nsHost);
    this.defaultTtlSeconds = opts.defaultTtlSeconds ?? DEFAULT_TTL_SECONDS;
    for (const spec of opts.zones) {
      if (this.zones.some((z) => z.origin === canonicalName(spec.origin)))
        throw new Error(`dns: zone ${spec.origin} is listed twice`);
      const zone = this.createZone(spec.origin);
      for (const record of spec.records) zone.add(recordFromSpec(record, zone.origin, this.defaultTtlSeconds));
      if (zone.get(zone.origin, RRType.NS).length === 0)
        zone.add(this.rr(zone.origin, { kind: 'NS', target: this.nsHost }));
    }
    if (opts.nsAddress) this.publishNsAddress(opts.nsAddress);
    this.rebuildReverse();
  }

  /** The zone with the longest origin that holds this name, if we are authoritative for it. */
  zoneFor(name: string): Zone | undefined {
    return this.zones.find((z) => isInZone(name, z.origin));
  }

  origins(): string[] {
    return this.zones.map((z) => z.origin);
  }

  /** The RRset as stored (no CNAME chasing): for tests and the world's own checks. */
  lookup(name: string, type: number): ResourceRecord[] {
    return this.zoneFor(name)?.get(name, type) ?? [];
  }

  /**
   * Add or replace one RRset at run time (the world publishes its DKIM key this way).
   * Values are in spec form; an MX value is "10 mx1.example.com". No values removes it.
   */
  setRecords(name: string, type: DnsRecordType, values: string[], ttlSeconds = this.defaultTtlSeconds): void {
    const zone = this.zoneFor(name);
    if (!zone) throw new Error(`dns: ${name} is in none of our zones (${this.origins().join(', ')})`);
    const where = `dns setRecords ${name} ${type}`;
    const records = values.map((value) => {
      const mx = type === 'MX' ? /^(\d+)\s+(\S+)$/.exec(value.trim()) : null;
      const data = mx
        ? dataFromValue(type, mx[2]!, Number(mx[1]), where)
        : dataFromValue(type, value, undefined, where);
      return this.rr(canonicalName(name), data, ttlSeconds);
    });
    zone.replace(name, RRType[type], records);
    this.bumpSerial(zone);
    if (type === 'A' || type === 'AAAA') this.rebuildReverse();
  }

  private createZone(origin: string): Zone {
    const zone = new Zone(origin);
    const parent = this.nsHost.includes('.') ? this.nsHost.slice(this.nsHost.indexOf('.') + 1) : this.nsHost;
    zone.add(
      this.rr(zone.origin, {
        kind: 'SOA',
        mname: this.nsHost,
        rname: `hostmaster.${parent}`,
        serial: 1,
        refreshSeconds: 3600,
        retrySeconds: 600,
        expireSeconds: 86400,
        // Negative answers (NXDOMAIN, NODATA) may be cached this long (RFC 2308 §4).
        minimumSeconds: this.defaultTtlSeconds,
      }),
    );
    this.zones.push(zone);
    // Longest origin first, so zoneFor() finds the most specific zone.
    this.zones.sort((a, b) => b.origin.length - a.origin.length);
    return zone;
  }

  private rr(name: string, data: ResourceRecord['data'], ttl = this.defaultTtlSeconds): ResourceRecord {
    const type = data.kind === 'OPT' || data.kind === 'unknown' ? 0 : RRType[data.kind];
    return { name, type, class: RRClass.IN, ttl, data };
  }

  private publishNsAddress(address: string): void {
    const zone = this.zoneFor(this.nsHost);
    if (!zone || zone.get(this.nsHost, RRType.A).length + zone.get(this.nsHost, RRType.AAAA).length > 0) return;
    if (isIPv4(address)) zone.add(this.rr(this.nsHost, { kind: 'A', address }));
    else if (isIPv6(address)) zone.add(this.rr(this.nsHost, { kind: 'AAAA', address: address.toLowerCase() }));
  }

  private bumpSerial(zone: Zone): void {
    const soa = zone.soa;
    if (soa.data.kind !== 'SOA') return;
    zone.replace(zone.origin, RRType.SOA, [{ ...soa, data: { ...soa.data, serial: (soa.data.serial + 1) >>> 0 } }]);
  }

  /** Derive a PTR for every A/AAAA record; several names on one address all answer, sorted. */
  private rebuildReverse(): void {
    for (const zone of this.zones) {
      for (const rr of zone.records()) {
        if (!this.derivedPtrs.has(rr)) continue;
        zone.replace(
          rr.name,
          RRType.PTR,
          zone.get(rr.name, RRType.PTR).filter((p) => !this.derivedPtrs.has(p)),
        );
      }
    }
    this.derivedPtrs.clear();
    const touched = new Set<string>();
    const addresses = this.zones
      .flatMap((z) => z.records())
      .filter((rr) => rr.type === RRType.A || rr.type === RRType.AAAA);
    for (const rr of addresses) {
      const address = rr.data.kind === 'A' || rr.data.kind === 'AAAA' ? rr.data.address : '';
      const ptrName = reverseName(address);
      if (!ptrName) continue;
      const zone = this.zoneFor(ptrName) ?? this.createReverseZone(rr.type === RRType.A ? IN_ADDR_ARPA : IP6_ARPA);
      if (zone.get(ptrName, RRType.PTR).some((p) => p.data.kind === 'PTR' && p.data.target === rr.name)) continue;
      this.derivedPtrs.add(zone.add(this.rr(ptrName, { kind: 'PTR', target: rr.name }, rr.ttl)));
      touched.add(ptrName);
    }
    for (const name of touched)
      this.zoneFor(name)?.sort(name, RRType.PTR, (a, b) => ptrTarget(a).localeCompare(ptrTarget(b)));
  }

  private createReverseZone(origin: string): Zone {
    const zone = this.createZone(origin);
    zone.add(this.rr(zone.origin, { kind: 'NS', target: this.nsHost }));
    return zone;
  }
}

function ptrTarget(rr: ResourceRecord): string {
  return rr.data.kind === 'PTR' ? rr.data.target : '';
}
