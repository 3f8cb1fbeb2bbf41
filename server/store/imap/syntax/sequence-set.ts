/**
 * Sequence sets (RFC 3501 §9 `sequence-set`): `1:*`, `2,4:7,9`, `*`, `5:3`.
 * Evaluation merges ranges first, so `1:*` over 10,000 messages is linear in the
 * output, and a hostile `1:4294967295` costs nothing beyond the mailbox size.
 */
import { ImapSyntaxError } from './types.js';

/** `'*'` is the largest number in use (highest sequence number or UID). */
export type SeqNumber = number | '*';
export interface SeqRange {
  start: SeqNumber;
  end: SeqNumber;
}
export type SequenceSet = SeqRange[];

const MAX_NZ = 4294967295;

export function parseSequenceSet(text: string): SequenceSet {
  if (text === '') throw new ImapSyntaxError('Empty sequence set');
  return text.split(',').map((part) => {
    const bounds = part.split(':');
    if (bounds.length > 2) throw new ImapSyntaxError(`Invalid sequence range "${part}"`);
    const start = parseSeqNumber(bounds[0] ?? '');
    const end = bounds.length === 2 ? parseSeqNumber(bounds[1] ?? '') : start;
    return { start, end };
  });
}

function parseSeqNumber(text: string): SeqNumber {
  if (text === '*') return '*';
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > MAX_NZ) {
    throw new ImapSyntaxError(`Invalid sequence number "${text}"`);
  }
  return Number(text);
}

export function isSequenceSet(text: string): boolean {
  return /^(?:\*|[1-9]\d*)(?::(?:\*|[1-9]\d*))?(?:,(?:\*|[1-9]\d*)(?::(?:\*|[1-9]\d*))?)*$/.test(text);
}

/** Ranges with `*` replaced by maxValue, low ≤ high, sorted and merged. */
function mergedRanges(set: SequenceSet, maxValue: number): Array<[number, number]> {
  const ranges = set.map(({ start, end }): [number, number] => {
    const a = start === '*' ? maxValue : start;
    const b = end === '*' ? maxValue : end;
    return a <= b ? [a, b] : [b, a];
  });
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Message sequence numbers in 1..maxSeq named by the set, sorted and unique. */
export function resolveSequenceSet(set: SequenceSet, maxSeq: number): number[] {
  const out: number[] = [];
  if (maxSeq <= 0) return out;
  for (const [lo, hi] of mergedRanges(set, maxSeq)) {
    for (let n = Math.max(lo, 1); n <= Math.min(hi, maxSeq); n++) out.push(n);
  }
  return out;
}

/** True when the set names a sequence number above maxSeq (RFC 3501 wants BAD then). */
export function exceedsMax(set: SequenceSet, maxSeq: number): boolean {
  return set.some((r) => (r.start !== '*' && r.start > maxSeq) || (r.end !== '*' && r.end > maxSeq));
}

/**
 * UIDs of `sortedUids` (ascending) named by the set. `*` is the highest UID, so
 * `559:*` always includes the last message even when 559 is above it (RFC 3501 §6.4.8).
 */
export function resolveUidSet(set: SequenceSet, sortedUids: readonly number[]): number[] {
  const out: number[] = [];
  const maxUid = sortedUids[sortedUids.length - 1];
  if (maxUid === undefined) return out;
  for (const [lo, hi] of mergedRanges(set, maxUid)) {
    for (let i = lowerBound(sortedUids, lo); i < sortedUids.length && sortedUids[i]! <= hi; i++) {
      out.push(sortedUids[i]!);
    }
  }
  return out;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when n is in the set (SEARCH evaluation without expanding the set). */
export function setContains(set: SequenceSet, n: number, maxValue: number): boolean {
  return set.some(({ start, end }) => {
    const a = start === '*' ? maxValue : start;
    const b = end === '*' ? maxValue : end;
    return n >= Math.min(a, b) && n <= Math.max(a, b);
  });
}

/** Compact form of a number list, e.g. [1,2,3,5] → "1:3,5" (UIDPLUS COPYUID, SEARCH). */
export function formatSequenceSet(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
