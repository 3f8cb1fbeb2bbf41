import { DnsWireError } from './types.js';

/**
 * Domain names between presentation form and labels (RFC 1035 §2.3.4, §5.1).
 * Limits: a label holds 1..63 bytes, a whole name at most 255 bytes on the wire.
 */
export const MAX_LABEL_BYTES = 63;
export const MAX_NAME_BYTES = 255;

/** Split "mx1.example.com" (trailing dot optional, escapes honoured) into byte labels. */
export function nameToLabels(name: string): Buffer[] {
  const text = stripRootDot(name);
  if (text === '') return [];
  const labels: Buffer[] = [];
  let current: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '.') {
      labels.push(finishLabel(current, name));
      current = [];
    } else if (ch === '\\') {
      i = readEscape(text, i, current);
    } else {
      const codePoint = text.codePointAt(i)!;
      if (codePoint > 0xffff) i++; // the second half of a surrogate pair
      current.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'));
    }
  }
  labels.push(finishLabel(current, name));
  const wireBytes = labels.reduce((sum, l) => sum + 1 + l.length, 1);
  if (wireBytes > MAX_NAME_BYTES) throw new DnsWireError(`name longer than ${MAX_NAME_BYTES} bytes: ${name}`);
  return labels;
}

function finishLabel(bytes: number[], name: string): Buffer {
  if (bytes.length === 0) throw new DnsWireError(`empty label in ${name}`);
  if (bytes.length > MAX_LABEL_BYTES) throw new DnsWireError(`label longer than ${MAX_LABEL_BYTES} bytes in ${name}`);
  return Buffer.from(bytes);
}

/** `\.` or `\\` (any char) or `\DDD` (a decimal byte); returns the index of the last char used. */
function readEscape(text: string, at: number, out: number[]): number {
  const digits = /^\d{3}/.exec(text.slice(at + 1, at + 4));
  if (digits) {
    const value = Number(digits[0]);
    if (value > 255) throw new DnsWireError(`bad escape \\${digits[0]} in ${text}`);
    out.push(value);
    return at + 3;
  }
  const next = text.codePointAt(at + 1);
  if (next === undefined) throw new DnsWireError(`dangling backslash in ${text}`);
  out.push(...Buffer.from(String.fromCodePoint(next), 'utf8'));
  return next > 0xffff ? at + 2 : at + 1;
}

/** One label read off the wire in presentation form, escaping what would be ambiguous. */
export function labelToText(label: Buffer): string {
  let out = '';
  for (const byte of label) {
    if (byte === 0x2e || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return out;
}

/** Lower-case, no trailing dot: the key we compare names by (DNS is case-insensitive for ASCII). */
export function canonicalName(name: string): string {
  return stripRootDot(name).toLowerCase();
}

/** "example.com." → "example.com", but "a\\." keeps its escaped dot (an odd run of backslashes). */
export function stripRootDot(name: string): string {
  if (!name.endsWith('.')) return name;
  let backslashes = 0;
  for (let i = name.length - 2; i >= 0 && name[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0 ? name.slice(0, -1) : name;
}

/** True when `name` is `zone` or below it ("mx1.example.com" is in "example.com"). */
export function isInZone(name: string, zone: string): boolean {
  const n = canonicalName(name);
  const z = canonicalName(zone);
  return z === '' || n === z || n.endsWith(`.${z}`);
}
