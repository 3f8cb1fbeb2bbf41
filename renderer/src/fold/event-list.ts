/** The bounded list of recent events and its index by trace. */
import type { TraceEvent } from '../../../server/api/trace.js';
import type { Batch } from './batch.js';

/** Appends, trims to the limit, and keeps the per-trace index in step (O(batch + trimmed)). */
export function appendEvents(b: Batch, previous: readonly TraceEvent[], fresh: readonly TraceEvent[]): TraceEvent[] {
  for (const e of fresh) {
    if (e.traceId === undefined) continue;
    const seqs = b.eventsByTrace.edit(e.traceId) as number[] | undefined;
    if (seqs === undefined) {
      b.eventsByTrace.set(e.traceId, [e.seq]);
      continue;
    }
    seqs.push(e.seq);
    if (seqs.length > b.limits.eventsPerTrace) seqs.splice(0, seqs.length - b.limits.eventsPerTrace);
  }
  const all = previous.length + fresh.length;
  const cut = Math.max(0, all - b.limits.events);
  if (cut === 0) return previous.concat(fresh);
  const dropped =
    cut <= previous.length ? previous.slice(0, cut) : previous.concat(fresh.slice(0, cut - previous.length));
  const kept = cut <= previous.length ? previous.slice(cut).concat(fresh) : fresh.slice(cut - previous.length);
  const firstKept = kept[0]?.seq ?? Infinity;
  for (const e of dropped) {
    if (e.traceId === undefined) continue;
    const seqs = b.eventsByTrace.get(e.traceId);
    if (seqs === undefined) continue;
    if (seqs[seqs.length - 1]! < firstKept) {
      b.eventsByTrace.delete(e.traceId);
    } else if (seqs[0]! < firstKept) {
      const owned = b.eventsByTrace.edit(e.traceId) as number[];
      owned.splice(
        0,
        owned.findIndex((s) => s >= firstKept),
      );
    }
  }
  return kept;
}

/** Index of the event with this seq in a seq-ordered list, or -1. */
export function indexOfSeq(events: readonly TraceEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = events[mid]!.seq;
    if (at === seq) return mid;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The events of one message still in the list, oldest first. */
export function eventsOfTrace(
  events: readonly TraceEvent[],
  index: ReadonlyMap<string, readonly number[]>,
  traceId: string,
): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const seq of index.get(traceId) ?? []) {
    const i = indexOfSeq(events, seq);
    if (i >= 0) out.push(events[i]!);
  }
  return out;
}
