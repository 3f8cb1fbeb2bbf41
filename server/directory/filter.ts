import { foldCaseIgnore, normalizeDn } from './dn.js';

/**
 * Search filters (RFC 4511 §4.5.1.7) as our own small tree, evaluated with LDAP's
 * three-valued logic: an assertion can be TRUE, FALSE or Undefined (`undefined`),
 * and an entry is returned only when the whole filter is TRUE. The ldapjs edge
 * converts its parsed filter into this shape, so matching does not depend on ldapjs.
 */
export type FilterNode =
  | { type: 'and' | 'or'; clauses: FilterNode[] }
  | { type: 'not'; clause: FilterNode }
  | { type: 'equality' | 'approx' | 'greaterOrEqual' | 'lessOrEqual'; attribute: string; value: string }
  | { type: 'present'; attribute: string }
  | { type: 'substrings'; attribute: string; initial?: string; any: string[]; final?: string }
  /** Extensible match and anything else we do not evaluate: always Undefined. */
  | { type: 'unsupported'; description: string };

export type Truth = boolean | undefined;

/** Anything with match-ready values: lower-case attribute name → normalized values. */
export interface MatchableEntry {
  matchValues: Map<string, string[]>;
}

/** Attributes whose values are DNs, compared as DNs. */
const DN_ATTRIBUTES = new Set(['uniquemember', 'member', 'owner', 'seealso', 'manager']);
/**
 * Attributes no filter may test. A filter on userPassword would be an oracle:
 * `(userPassword={SSHA}A*)` would leak the hash one character at a time.
 */
const UNMATCHABLE_ATTRIBUTES = new Set(['userpassword']);

/** `mail;lang-en` → `mail`; names are case-insensitive. */
export function attributeKey(name: string): string {
  const semicolon = name.indexOf(';');
  return (semicolon < 0 ? name : name.slice(0, semicolon)).toLowerCase();
}

/** The form in which a value is compared: case folded; DNs normalized. */
export function matchKey(attribute: string, value: string): string {
  if (DN_ATTRIBUTES.has(attribute)) {
    try {
      return normalizeDn(value);
    } catch {
      return foldCaseIgnore(value);
    }
  }
  return foldCaseIgnore(value);
}

export function isMatchable(attribute: string): boolean {
  return !UNMATCHABLE_ATTRIBUTES.has(attribute);
}

export function matchFilter(filter: FilterNode, entry: MatchableEntry): Truth {
  switch (filter.type) {
    case 'and':
      return combine(filter.clauses, entry, false);
    case 'or':
      return combine(filter.clauses, entry, true);
    case 'not': {
      const inner = matchFilter(filter.clause, entry);
      return inner === undefined ? undefined : !inner;
    }
    case 'unsupported':
      return undefined;
    default:
      return matchAssertion(filter, entry);
  }
}

/** AND stops at the first FALSE, OR at the first TRUE; otherwise Undefined wins over the rest. */
function combine(clauses: FilterNode[], entry: MatchableEntry, decisive: boolean): Truth {
  let sawUndefined = false;
  for (const clause of clauses) {
    const result = matchFilter(clause, entry);
    if (result === decisive) return decisive;
    if (result === undefined) sawUndefined = true;
  }
  return sawUndefined ? undefined : !decisive;
}

type AssertionNode = Exclude<FilterNode, { type: 'and' | 'or' | 'not' | 'unsupported' }>;

function matchAssertion(filter: AssertionNode, entry: MatchableEntry): Truth {
  const attribute = attributeKey(filter.attribute);
  if (!isMatchable(attribute)) return undefined;
  const values = entry.matchValues.get(attribute);
  if (filter.type === 'present') return values !== undefined && values.length > 0;
  if (!values) return false;
  switch (filter.type) {
    case 'equality':
    case 'approx': {
      // Approximate match is allowed to be equality (RFC 4511 §4.5.1.7.6).
      const wanted = matchKey(attribute, filter.value);
      return values.includes(wanted);
    }
    case 'greaterOrEqual': {
      const bound = matchKey(attribute, filter.value);
      return values.some((v) => v >= bound);
    }
    case 'lessOrEqual': {
      const bound = matchKey(attribute, filter.value);
      return values.some((v) => v <= bound);
    }
    case 'substrings':
      return values.some((v) => matchSubstrings(v, filter));
  }
}

function foldPiece(piece: string): string {
  return piece.replace(/\s+/g, ' ').toLowerCase();
}

function matchSubstrings(value: string, filter: Extract<FilterNode, { type: 'substrings' }>): boolean {
  let position = 0;
  if (filter.initial) {
    const initial = foldPiece(filter.initial);
    if (!value.startsWith(initial)) return false;
    position = initial.length;
  }
  for (const piece of filter.any) {
    const found = value.indexOf(foldPiece(piece), position);
    if (found < 0) return false;
    position = found + foldPiece(piece).length;
  }
  if (filter.final) {
    const final = foldPiece(filter.final);
    // The final piece must come after everything matched so far, not overlap it.
    return value.length - final.length >= position && value.endsWith(final);
  }
  return true;
}
