import { canonicalName } from './names.js';
import { RRType, typeName, type ResourceRecord } from './types.js';

/**
 * One authoritative zone in memory: owner name → type → RRset. Owner names are kept
 * canonical (lower case, no final dot). Plain data; the rules of answering live in
 * authority.ts.
 */
export class Zone {
  readonly origin: string;
  private readonly owners = new Map<string, Map<number, ResourceRecord[]>>();

  constructor(origin: string) {
    this.origin = canonicalName(origin);
  }

  /** Add one record to its RRset; a CNAME may not share its name with other data (RFC 1034 §3.6.2). */
  add(rr: ResourceRecord): ResourceRecord {
    const name = canonicalName(rr.name);
    const types = this.owners.get(name) ?? new Map<number, ResourceRecord[]>();
    const clash =
      rr.type === RRType.CNAME ? [...types.keys()].some((t) => t !== RRType.CNAME) : types.has(RRType.CNAME);
    if (clash) throw new Error(`dns zone ${this.origin}: ${name} has a CNAME and other data (${typeName(rr.type)})`);
    if (rr.type === RRType.CNAME && (types.get(RRType.CNAME)?.length ?? 0) > 0)
      throw new Error(`dns zone ${this.origin}: ${name} has two CNAME records`);
    const stored = { ...rr, name };
    types.set(rr.type, [...(types.get(rr.type) ?? []), stored]);
    this.owners.set(name, types);
    return stored;
  }

  /** Replace (or, with no records, remove) the RRset of this name and type. */
  replace(name: string, type: number, records: ResourceRecord[]): void {
    const owner = canonicalName(name);
    const types = this.owners.get(owner);
    types?.delete(type);
    if (types?.size === 0) this.owners.delete(owner);
    for (const rr of records) this.add(rr);
  }

  get(name: string, type: number): ResourceRecord[] {
    return this.owners.get(canonicalName(name))?.get(type) ?? [];
  }

  /** Every RRset at a name (for qtype ANY), SOA and NS first as at the apex of a zone file. */
  all(name: string): ResourceRecord[] {
    const types = this.owners.get(canonicalName(name));
    if (!types) return [];
    return [...types.entries()].sort(([a], [b]) => typeOrder(a) - typeOrder(b)).flatMap(([, rrset]) => rrset);
  }

  /**
   * A name exists when it owns records or has a descendant that does (an "empty
   * non-terminal" such as _domainkey.siroe.example): such a name is NODATA, not NXDOMAIN.
   */
  exists(name: string): boolean {
    const n = canonicalName(name);
    if (this.owners.has(n)) return true;
    for (const owner of this.owners.keys()) if (owner.endsWith(`.${n}`)) return true;
    return false;
  }

  /** Every record, for building reverse zones and for tests. */
  records(): ResourceRecord[] {
    return [...this.owners.values()].flatMap((types) => [...types.values()].flat());
  }

  /** Order the RRset of a name and type in place (PTR answers are given sorted). */
  sort(name: string, type: number, compare: (a: ResourceRecord, b: ResourceRecord) => number): void {
    this.owners.get(canonicalName(name))?.get(type)?.sort(compare);
  }

  get soa(): ResourceRecord {
    return this.get(this.origin, RRType.SOA)[0]!;
  }
}

function typeOrder(type: number): number {
  if (type === RRType.SOA) return -2;
  if (type === RRType.NS) return -1;
  return type;
}
