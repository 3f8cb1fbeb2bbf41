import { badInput } from './store-error.js';
import type { FlagOp } from './types.js';

/**
 * IMAP flags as the store keeps them: system flags in their canonical spelling
 * (they are case-insensitive on the wire), keywords as given. \Recent is never
 * stored: it belongs to a session, and is derived from `recent_uid_floor`.
 */
const SYSTEM_FLAGS = ['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'];
const MAX_FLAGS = 100;
const MAX_FLAG_CHARS = 100;

/** An IMAP atom: no specials, no controls, no spaces (RFC 3501 ATOM-CHAR, minus "]"). */
const KEYWORD = /^[!#$&'+-Z^-z|~]+$/;

function canonicalFlag(flag: string): string | undefined {
  if (flag.startsWith('\\')) {
    const lower = flag.toLowerCase();
    if (lower === '\\recent') return undefined;
    const system = SYSTEM_FLAGS.find((f) => f.toLowerCase() === lower);
    if (!system) throw badInput(`Unknown system flag ${flag.slice(0, MAX_FLAG_CHARS)}`);
    return system;
  }
  if (flag.length > MAX_FLAG_CHARS || !KEYWORD.test(flag)) {
    throw badInput(`Invalid keyword ${JSON.stringify(flag.slice(0, MAX_FLAG_CHARS))}`);
  }
  return flag;
}

/** Validated, canonical, de-duplicated and sorted. Throws StoreError CLIENTBUG on bad input. */
export function normalizeFlags(flags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const flag of flags) {
    const canonical = canonicalFlag(flag);
    if (canonical) out.add(canonical);
  }
  if (out.size > MAX_FLAGS) throw badInput(`Too many flags (limit ${MAX_FLAGS})`);
  return [...out].sort();
}

/** The new flag set after an IMAP STORE-style operation; both inputs normalized. */
export function applyFlagOp(current: readonly string[], change: readonly string[], op: FlagOp): string[] {
  if (op === 'replace') return [...change];
  const next = new Set(current);
  for (const flag of change) {
    if (op === 'add') next.add(flag);
    else next.delete(flag);
  }
  if (next.size > MAX_FLAGS) throw badInput(`Too many flags (limit ${MAX_FLAGS})`);
  return [...next].sort();
}

export function encodeFlags(flags: readonly string[]): string {
  return flags.join(' ');
}

export function decodeFlags(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}

export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((flag, i) => flag === b[i]);
}

/** The indexed copies of the two flags that SQL needs to count and expunge by. */
export function flagColumns(flags: readonly string[]): { seen: number; deleted: number } {
  return { seen: flags.includes('\\Seen') ? 1 : 0, deleted: flags.includes('\\Deleted') ? 1 : 0 };
}
