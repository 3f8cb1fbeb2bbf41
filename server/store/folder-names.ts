import { badInput } from './store-error.js';
import type { SpecialUse } from './types.js';

/**
 * Folder names as the store keeps them: UTF-8 (the IMAP layer converts modified
 * UTF-7 on the wire), "/" as hierarchy delimiter, case-sensitive except INBOX,
 * which RFC 3501 makes case-insensitive; we store it as "INBOX", also as the
 * first level of a path ("inbox/x" is "INBOX/x").
 */
export const DELIMITER = '/';
export const INBOX = 'INBOX';
const MAX_NAME_CHARS = 255;
const MAX_DEPTH = 16;

export const SPECIAL_USES: readonly SpecialUse[] = [
  '\\All',
  '\\Archive',
  '\\Drafts',
  '\\Flagged',
  '\\Junk',
  '\\Sent',
  '\\Trash',
];

/** Created for every new user; all subscribed, so a fresh client shows them at once. */
export const DEFAULT_FOLDERS: ReadonlyArray<{ name: string; specialUse?: SpecialUse }> = [
  { name: INBOX },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

/** INBOX spelled canonically; anything else untouched. Never throws (lookups use it). */
export function canonicalName(name: string): string {
  const first = name.split(DELIMITER, 1)[0]!;
  return first.toUpperCase() === INBOX ? INBOX + name.slice(first.length) : name;
}

/**
 * A name fit to create: trailing delimiter dropped (RFC 3501 CREATE "foo/"), no
 * empty levels, no IMAP wildcards or controls, bounded length and depth.
 */
export function validNewName(input: string): string {
  const name = canonicalName(input.endsWith(DELIMITER) ? input.slice(0, -1) : input);
  const levels = name.split(DELIMITER);
  if (name.length === 0 || name.length > MAX_NAME_CHARS) throw badInput('Folder name must be 1-255 characters');
  if (levels.length > MAX_DEPTH) throw badInput(`Folder hierarchy is limited to ${MAX_DEPTH} levels`);
  if (levels.some((level) => level.length === 0)) throw badInput('Folder name has an empty level');

  if (/[\x00-\x1f\x7f*%]/.test(name)) throw badInput('Folder name has a control or wildcard character');
  return name;
}

/** The superior names of a path: "a/b/c" gives ["a", "a/b"]. */
export function parentNames(name: string): string[] {
  const levels = name.split(DELIMITER);
  return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(DELIMITER));
}

export function isInferiorOf(name: string, parent: string): boolean {
  return name.startsWith(parent + DELIMITER);
}

export function checkSpecialUse(value: string | undefined): SpecialUse | undefined {
  if (value === undefined) return undefined;
  const found = SPECIAL_USES.find((use) => use.toLowerCase() === value.toLowerCase());
  if (!found) throw badInput(`Unknown special-use attribute ${value}`);
  return found;
}
