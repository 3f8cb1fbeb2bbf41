/**
 * SEARCH criteria (RFC 3501 §6.4.4, MODSEQ from RFC 7162) parsed into a tree. The
 * top level is an implicit AND; OR takes exactly two keys, NOT one.
 */
import { isSequenceSet, parseSequenceSet, type SequenceSet } from './sequence-set.js';
import { asAString, asAtom, ImapNoError, ImapSyntaxError, type ImapValue } from './types.js';

/** A calendar date without time zone: SEARCH dates compare by day (§6.4.4). */
export interface SearchDate {
  year: number;
  month: number; // 1..12
  day: number;
}

export type SearchKey =
  | { op: 'all' }
  | { op: 'flag'; flag: string; set: boolean }
  | { op: 'recent'; set: boolean }
  | { op: 'header'; field: string; value: string }
  | { op: 'body' | 'text'; value: string }
  | { op: 'date'; field: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; date: SearchDate }
  | { op: 'size'; cmp: 'larger' | 'smaller'; sizeBytes: number }
  | { op: 'uid' | 'seq'; set: SequenceSet }
  | { op: 'modseq'; modseq: number }
  | { op: 'not'; key: SearchKey }
  | { op: 'or'; left: SearchKey; right: SearchKey }
  | { op: 'and'; keys: SearchKey[] };

export interface SearchQuery {
  charset?: string;
  criteria: SearchKey;
}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  UNANSWERED: ['\\Answered', false],
  DELETED: ['\\Deleted', true],
  UNDELETED: ['\\Deleted', false],
  FLAGGED: ['\\Flagged', true],
  UNFLAGGED: ['\\Flagged', false],
  SEEN: ['\\Seen', true],
  UNSEEN: ['\\Seen', false],
  DRAFT: ['\\Draft', true],
  UNDRAFT: ['\\Draft', false],
};
const HEADER_KEYS = new Set(['FROM', 'TO', 'CC', 'BCC', 'SUBJECT']);
const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The SEARCH arguments (after `SEARCH` / `UID SEARCH`). Only US-ASCII and UTF-8 charsets. */
export function parseSearch(args: ImapValue[]): SearchQuery {
  let i = 0;
  let charset: string | undefined;
  const first = args[0];
  if (first?.type === 'atom' && first.value.toUpperCase() === 'CHARSET') {
    charset = asAString(args[1], 'charset').toUpperCase();
    if (charset !== 'UTF-8' && charset !== 'US-ASCII')
      throw new ImapNoError('Unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
    i = 2;
  }
  const reader = { args, i };
  const keys: SearchKey[] = [];
  while (reader.i < args.length) keys.push(readKey(reader, 0));
  if (keys.length === 0) throw new ImapSyntaxError('Missing search criteria');
  const criteria = keys.length === 1 ? keys[0]! : { op: 'and' as const, keys };
  return charset ? { charset, criteria } : { criteria };
}

interface KeyReader {
  args: ImapValue[];
  i: number;
}

const MAX_DEPTH = 64;

function readKey(r: KeyReader, depth: number): SearchKey {
  if (depth > MAX_DEPTH) throw new ImapSyntaxError('Search criteria nested too deeply');
  const v = r.args[r.i++];
  if (!v) throw new ImapSyntaxError('Missing search key');
  if (v.type === 'list') {
    const sub: KeyReader = { args: v.items, i: 0 };
    const keys: SearchKey[] = [];
    while (sub.i < v.items.length) keys.push(readKey(sub, depth + 1));
    if (keys.length === 0) throw new ImapSyntaxError('Empty search group');
    return keys.length === 1 ? keys[0]! : { op: 'and', keys };
  }
  const word = asAtom(v, 'search key');
  if (isSequenceSet(word)) return { op: 'seq', set: parseSequenceSet(word) };
  return readNamedKey(r, word.toUpperCase(), depth);
}

function readNamedKey(r: KeyReader, name: string, depth: number): SearchKey {
  const flag = FLAG_KEYS[name];
  if (flag) return { op: 'flag', flag: flag[0], set: flag[1] };
  const date = DATE_KEYS[name];
  if (date) return { op: 'date', field: date[0], cmp: date[1], date: parseSearchDate(nextString(r, name)) };
  if (HEADER_KEYS.has(name)) return { op: 'header', field: name, value: nextString(r, name) };
  switch (name) {
    case 'ALL':
      return { op: 'all' };
    case 'RECENT':
      return { op: 'recent', set: true };
    case 'OLD':
      return { op: 'recent', set: false };
    case 'NEW': // RECENT and UNSEEN (§6.4.4)
      return {
        op: 'and',
        keys: [
          { op: 'recent', set: true },
          { op: 'flag', flag: '\\Seen', set: false },
        ],
      };
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { op: 'flag', flag: asAtom(r.args[r.i++], name), set: name === 'KEYWORD' };
    case 'BODY':
    case 'TEXT':
      return { op: name === 'BODY' ? 'body' : 'text', value: nextString(r, name) };
    case 'HEADER': {
      const field = nextString(r, 'HEADER field');
      return { op: 'header', field: field.toUpperCase(), value: nextString(r, 'HEADER value') };
    }
    case 'LARGER':
    case 'SMALLER':
      return { op: 'size', cmp: name === 'LARGER' ? 'larger' : 'smaller', sizeBytes: nextNumber(r, name) };
    case 'UID':
      return { op: 'uid', set: parseSequenceSet(asAtom(r.args[r.i++], 'UID set')) };
    case 'MODSEQ': {
      // RFC 7162 §3.1.5: an optional entry name and type (per-flag modseqs) come first;
      // one MODSEQ per message is all we keep, so they only have to be well-formed.
      if (r.args[r.i]?.type === 'string') {
        nextString(r, 'MODSEQ entry name');
        const type = asAtom(r.args[r.i++], 'MODSEQ entry type').toLowerCase();
        if (!['priv', 'shared', 'all'].includes(type)) throw new ImapSyntaxError('Invalid MODSEQ entry type');
      }
      return { op: 'modseq', modseq: nextNumber(r, name) };
    }
    case 'NOT':
      return { op: 'not', key: readKey(r, depth + 1) };
    case 'OR': {
      const left = readKey(r, depth + 1);
      return { op: 'or', left, right: readKey(r, depth + 1) };
    }
    default:
      throw new ImapSyntaxError(`Unknown search key ${name}`);
  }
}

function nextString(r: KeyReader, what: string): string {
  return asAString(r.args[r.i++], `${what} argument`);
}

function nextNumber(r: KeyReader, what: string): number {
  const v = r.args[r.i++];
  if (v?.type !== 'number') throw new ImapSyntaxError(`${what} needs a number`);
  return v.value;
}

/** `1-Feb-1994` or `01-Feb-1994` (RFC 3501 `date`). */
export function parseSearchDate(text: string): SearchDate {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!.toUpperCase()) + 1 : 0;
  const day = m ? Number(m[1]) : 0;
  if (!m || month === 0 || day < 1 || day > 31) throw new ImapSyntaxError(`Invalid date "${text}"`);
  return { year: Number(m[3]), month, day };
}
