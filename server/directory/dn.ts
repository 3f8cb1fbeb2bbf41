/**
 * Distinguished names (RFC 4514), just enough for a directory that must compare
 * `UID=Alice, ou=people,O=Siroe.Example` with `uid=alice,ou=People,o=siroe.example`:
 * parse with escapes, normalize for comparison, escape values when building.
 */

export interface AttributeValueAssertion {
  type: string;
  value: string;
}

/** One RDN; more than one assertion for a multi-valued RDN (`cn=a+sn=b`). */
export type Rdn = AttributeValueAssertion[];

const SPECIAL_AFTER_BACKSLASH = new Set([' ', '"', '#', '+', ',', ';', '<', '=', '>', '\\']);
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

/** caseIgnoreMatch preparation: insignificant spaces go, case folds. */
export function foldCaseIgnore(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Escape a value for use inside a DN string. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\"+,;<>=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function formatDn(rdns: Rdn[]): string {
  return rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeDnValue(a.value)}`).join('+')).join(',');
}

/** Parse a DN string; throws an Error on bad syntax. The empty string is the root DSE (no RDNs). */
export function parseDn(text: string): Rdn[] {
  const rdns: Rdn[] = [];
  if (text.trim() === '') return rdns;
  let rdn: Rdn = [];
  let i = 0;
  for (;;) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`invalid DN "${text}": an RDN needs "type=value"`);
    const type = text.slice(i, eq).trim();
    if (!ATTRIBUTE_TYPE.test(type)) throw new Error(`invalid DN "${text}": bad attribute type "${type}"`);
    const read = readValue(text, eq + 1);
    rdn.push({ type, value: read.value });
    i = read.end + 1;
    const separator = text[read.end];
    if (separator === '+') continue;
    rdns.push(rdn);
    rdn = [];
    if (separator === undefined) return rdns;
  }
}

/** Read one attribute value starting at `start`; `end` is the index of the separator (or text length). */
function readValue(text: string, start: number): { value: string; end: number } {
  let i = start;
  while (text[i] === ' ') i++;
  if (text[i] === '"') return readQuotedValue(text, i);
  const bytes: number[] = [];
  let significant = 0;
  while (i < text.length) {
    // Whole code points, so characters outside the BMP keep their UTF-8 bytes.
    const c = String.fromCodePoint(text.codePointAt(i)!);
    if (c === ',' || c === '+' || c === ';') break;
    if (c === '\\') {
      i = readEscape(text, i, bytes);
      significant = bytes.length;
      continue;
    }
    bytes.push(...Buffer.from(c, 'utf8'));
    if (c !== ' ') significant = bytes.length;
    i += c.length;
  }
  return { value: Buffer.from(bytes.slice(0, significant)).toString('utf8'), end: i };
}

/** A backslash escape: `\,` or `\2C`. Pushes the bytes, returns the index after the escape. */
function readEscape(text: string, at: number, bytes: number[]): number {
  const next = text[at + 1];
  if (next !== undefined && SPECIAL_AFTER_BACKSLASH.has(next)) {
    bytes.push(next.charCodeAt(0));
    return at + 2;
  }
  const hex = text.slice(at + 1, at + 3);
  if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
    bytes.push(parseInt(hex, 16));
    return at + 3;
  }
  throw new Error(`invalid DN "${text}": bad escape at position ${at}`);
}

/** RFC 2253 legacy quoting: `cn="Adams, Alice"`. */
function readQuotedValue(text: string, quoteAt: number): { value: string; end: number } {
  const bytes: number[] = [];
  let i = quoteAt + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') {
      i = readEscape(text, i, bytes);
      continue;
    }
    const c = String.fromCodePoint(text.codePointAt(i)!);
    bytes.push(...Buffer.from(c, 'utf8'));
    i += c.length;
  }
  if (text[i] !== '"') throw new Error(`invalid DN "${text}": unterminated quote`);
  i++;
  while (text[i] === ' ') i++;
  if (i < text.length && !',+;'.includes(text[i]!)) throw new Error(`invalid DN "${text}": text after a quoted value`);
  return { value: Buffer.from(bytes).toString('utf8'), end: i };
}

/**
 * The comparison form of a DN: types and values case-folded, spaces normalized,
 * multi-valued RDNs sorted. Two DNs name the same entry when these strings are equal
 * (true for this directory's attributes, which all use caseIgnore matching).
 */
export function normalizeDn(text: string): string {
  return normalizeRdns(parseDn(text));
}

export function normalizeRdns(rdns: Rdn[]): string {
  return rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.type.toLowerCase()}=${escapeDnValue(foldCaseIgnore(a.value))}`)
        .sort()
        .join('+'),
    )
    .join(',');
}
