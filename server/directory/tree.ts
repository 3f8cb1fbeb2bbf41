import { normalizeDn, normalizeRdns, parseDn } from './dn.js';
import { attributeKey, isMatchable, matchFilter, matchKey, type FilterNode, type MatchableEntry } from './filter.js';
import type { DirectoryEntry } from './types.js';

/**
 * The directory's entries held in memory for searching: by normalized DN, by
 * parent, and by attribute value. Equality filters on any attribute (the MTA's
 * `(|(mail=x)(mailAlternateAddress=x))`, the MMP's `(uid=x)`) go straight to the
 * value index instead of scanning every entry, so a lookup costs the same with
 * four users or forty thousand.
 */

const NORMALIZED_CACHE_SIZE = 1024;

export type SearchScope = 'base' | 'one' | 'sub';

export interface StoredAttribute {
  /** Schema spelling, e.g. `mailHost`. */
  type: string;
  key: string;
  values: string[];
}

export interface IndexedEntry extends MatchableEntry {
  dn: string;
  normDn: string;
  parentNormDn: string;
  ancestors: Set<string>;
  /** Position in DIT order, so results come back parents first, as built. */
  order: number;
  attributes: StoredAttribute[];
}

export class DirectoryTree {
  private readonly byDn = new Map<string, IndexedEntry>();
  private readonly children = new Map<string, IndexedEntry[]>();
  private readonly valueIndex = new Map<string, Map<string, IndexedEntry[]>>();
  private readonly ordered: IndexedEntry[] = [];
  private readonly normalized = new Map<string, string>();
  /** Entries whose parent is not in the tree: the naming contexts (suffixes). */
  readonly namingContexts: IndexedEntry[] = [];

  constructor(entries: DirectoryEntry[]) {
    for (const entry of entries) this.insert(entry);
  }

  /**
   * normalizeDn with a small memory: clients ask with the same few bases over and
   * over, and parsing them again was a visible share of a lookup's time.
   */
  normalize(dn: string): string {
    let norm = this.normalized.get(dn);
    if (norm === undefined) {
      norm = normalizeDn(dn);
      if (this.normalized.size >= NORMALIZED_CACHE_SIZE) this.normalized.clear();
      this.normalized.set(dn, norm);
    }
    return norm;
  }

  get(normDn: string): IndexedEntry | undefined {
    return this.byDn.get(normDn);
  }

  /** The DN of the nearest existing ancestor of `dn`: the matchedDN of a noSuchObject reply. */
  closestExisting(dn: string): string {
    const rdns = parseDn(dn);
    for (let i = 1; i < rdns.length; i++) {
      const found = this.byDn.get(normalizeRdns(rdns.slice(i)));
      if (found) return found.dn;
    }
    return '';
  }

  /** Matching entries in DIT order; `undefined` when the base entry does not exist. */
  search(baseNormDn: string, scope: SearchScope, filter: FilterNode): IndexedEntry[] | undefined {
    if (baseNormDn !== '' && !this.byDn.has(baseNormDn)) return undefined;
    const candidates = this.indexedCandidates(filter) ?? this.scopeCandidates(baseNormDn, scope);
    return candidates.filter((e) => inScope(e, baseNormDn, scope) && matchFilter(filter, e) === true);
  }

  private insert(entry: DirectoryEntry): void {
    const rdns = parseDn(entry.dn);
    const normDn = normalizeRdns(rdns);
    if (this.byDn.has(normDn)) throw new Error(`duplicate directory entry ${entry.dn}`);
    const parentNormDn = normalizeRdns(rdns.slice(1));
    const parent = this.byDn.get(parentNormDn);
    const indexed = indexEntry(entry, normDn, parentNormDn, parent, this.ordered.length);
    for (const [attribute, keys] of indexed.matchValues) {
      for (const key of keys) this.addToIndex(attribute, key, indexed);
    }
    this.byDn.set(normDn, indexed);
    this.ordered.push(indexed);
    if (parent) pushTo(this.children, parentNormDn, indexed);
    else this.namingContexts.push(indexed);
  }

  /**
   * Replace every value of one attribute of an entry (no values: remove the
   * attribute), the stored values and the value index together, so an equality
   * search sees the new value at once and never the old one. Returns the old values.
   */
  replaceValues(normDn: string, type: string, values: string[]): string[] {
    const entry = this.byDn.get(normDn);
    if (!entry) throw new Error(`no directory entry ${normDn}`);
    const key = attributeKey(type);
    for (const old of entry.matchValues.get(key) ?? []) this.removeFromIndex(key, old, entry);
    const at = entry.attributes.findIndex((a) => a.key === key);
    const previous = at >= 0 ? entry.attributes[at]!.values : [];
    if (values.length === 0) {
      if (at >= 0) entry.attributes.splice(at, 1);
      entry.matchValues.delete(key);
      return previous;
    }
    const stored = { type: at >= 0 ? entry.attributes[at]!.type : type, key, values: [...values] };
    if (at >= 0) entry.attributes[at] = stored;
    else entry.attributes.push(stored);
    if (isMatchable(key)) {
      const keys = values.map((v) => matchKey(key, v));
      entry.matchValues.set(key, keys);
      for (const k of keys) this.addToIndex(key, k, entry);
    }
    return previous;
  }

  private addToIndex(attribute: string, key: string, entry: IndexedEntry): void {
    let byValue = this.valueIndex.get(attribute);
    if (!byValue) this.valueIndex.set(attribute, (byValue = new Map()));
    const list = byValue.get(key);
    if (!list) byValue.set(key, [entry]);
    else if (list[list.length - 1]!.order < entry.order) list.push(entry);
    else if (!list.includes(entry)) insertInOrder(list, entry);
  }

  private removeFromIndex(attribute: string, key: string, entry: IndexedEntry): void {
    const byValue = this.valueIndex.get(attribute);
    const list = byValue?.get(key);
    if (!byValue || !list) return;
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) byValue.delete(key);
  }

  /**
   * Entries that can possibly match, from the value index, or `undefined` when the
   * filter gives no equality to narrow by (then the scope is scanned).
   */
  private indexedCandidates(filter: FilterNode): IndexedEntry[] | undefined {
    switch (filter.type) {
      case 'equality':
      case 'approx': {
        const attribute = attributeKey(filter.attribute);
        if (!isMatchable(attribute)) return [];
        return this.valueIndex.get(attribute)?.get(matchKey(attribute, filter.value)) ?? [];
      }
      case 'and': {
        let best: IndexedEntry[] | undefined;
        for (const clause of filter.clauses) {
          const found = this.indexedCandidates(clause);
          if (found && (!best || found.length < best.length)) best = found;
        }
        return best;
      }
      case 'or':
        return this.unionOf(filter.clauses);
      default:
        return undefined;
    }
  }

  private unionOf(clauses: FilterNode[]): IndexedEntry[] | undefined {
    const union = new Set<IndexedEntry>();
    for (const clause of clauses) {
      const found = this.indexedCandidates(clause);
      if (!found) return undefined;
      for (const entry of found) union.add(entry);
    }
    return [...union].sort((a, b) => a.order - b.order);
  }

  private scopeCandidates(baseNormDn: string, scope: SearchScope): IndexedEntry[] {
    if (scope === 'base') {
      const base = this.byDn.get(baseNormDn);
      return base ? [base] : [];
    }
    if (scope === 'one') return baseNormDn === '' ? this.namingContexts : (this.children.get(baseNormDn) ?? []);
    return this.ordered;
  }
}

/** Prepare one entry for matching: attribute keys and match-ready values. */
export function indexEntry(
  entry: DirectoryEntry,
  normDn: string,
  parentNormDn: string,
  parent: IndexedEntry | undefined,
  order: number,
): IndexedEntry {
  const indexed: IndexedEntry = {
    dn: entry.dn,
    normDn,
    parentNormDn,
    ancestors: parent ? new Set([...parent.ancestors, parentNormDn]) : new Set(),
    order,
    attributes: Object.entries(entry.attributes).map(([type, values]) => ({ type, key: attributeKey(type), values })),
    matchValues: new Map(),
  };
  for (const attribute of indexed.attributes) {
    if (!isMatchable(attribute.key)) continue;
    indexed.matchValues.set(
      attribute.key,
      attribute.values.map((v) => matchKey(attribute.key, v)),
    );
  }
  return indexed;
}

function inScope(entry: IndexedEntry, baseNormDn: string, scope: SearchScope): boolean {
  if (scope === 'base') return entry.normDn === baseNormDn;
  if (scope === 'one') return baseNormDn === '' ? entry.ancestors.size === 0 : entry.parentNormDn === baseNormDn;
  return baseNormDn === '' || entry.normDn === baseNormDn || entry.ancestors.has(baseNormDn);
}

/**
 * A value given at run time may belong to an entry older than the list's last:
 * keep DIT order, which search results come back in.
 */
function insertInOrder(list: IndexedEntry[], entry: IndexedEntry): void {
  const at = list.findIndex((e) => e.order > entry.order);
  list.splice(at < 0 ? list.length : at, 0, entry);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
