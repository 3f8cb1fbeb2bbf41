/**
 * Tokens: the dots that ride the edges. The hops of one message run one after another
 * (its chain is busy until its last token arrives), so a burst of events that took the
 * server 50 ms still reads as a journey. A hop equal to the one just queued for the same
 * message (one route.resolved per recipient) is not drawn again. A hop never starts
 * more than `maxLagMs` late, so the picture cannot fall behind the world without bound.
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import type { Batch } from './batch.js';
import type { Hop } from './hops.js';
import type { FoldState, Token, TraceChain } from './types.js';

function durationFor(b: Batch, hop: Hop): number {
  return hop.kind === 'pulse' ? b.limits.pulseMs : b.limits.hopMs;
}

function labelFor(b: Batch, e: TraceEvent): string {
  const m = e.traceId ? b.messages.get(e.traceId) : undefined;
  if (!m) return e.kind;
  const what = m.subject ?? (m.sender !== undefined ? `from ${m.sender || '<>'}` : m.traceId);
  return `${m.isDsn ? 'DSN: ' : ''}${what} (${e.kind})`;
}

/** When the hop starts, or undefined when it repeats the hop still running for this trace. */
function schedule(b: Batch, e: TraceEvent, hop: Hop, durationMs: number): number | undefined {
  const now = b.opts.nowMs;
  // Lookups are side trips: they run at once and do not hold up the message.
  if (e.traceId === undefined || hop.kind === 'pulse') return now;
  const key = `${hop.from}>${hop.to}>${hop.kind}`;
  const chain = b.traceChains.get(e.traceId);
  if (chain && chain.busyUntil > now && chain.lastHop === key) return undefined;
  const busyUntil = chain?.busyUntil ?? now;
  const startedAt = busyUntil - now > b.limits.maxLagMs ? now : Math.max(now, busyUntil);
  const next: TraceChain = { busyUntil: startedAt + durationMs, lastHop: key };
  b.traceChains.set(e.traceId, next);
  return startedAt;
}

export function addTokens(b: Batch, e: TraceEvent, hops: Hop[]): void {
  for (const hop of hops) {
    if (b.tokens.length >= b.limits.tokens) {
      b.droppedTokens += 1;
      continue;
    }
    const durationMs = durationFor(b, hop);
    const startedAt = schedule(b, e, hop, durationMs);
    if (startedAt === undefined) continue;
    b.tokenCounter += 1;
    const token: Token = {
      id: `t${b.tokenCounter}`,
      traceId: e.traceId,
      colorTraceId: e.causedBy ?? e.traceId,
      from: hop.from,
      to: hop.to,
      kind: hop.kind,
      eventKind: e.kind,
      seq: e.seq,
      startedAt,
      durationMs,
      label: labelFor(b, e),
    };
    b.tokens.push(token);
  }
}

export function isExpired(token: Token, nowMs: number): boolean {
  return token.startedAt + token.durationMs <= nowMs;
}

/** Drops tokens whose ride is over. Returns the same state when nothing expired. */
export function sweepTokens(state: FoldState, nowMs: number): FoldState {
  const staleChain = [...state.traceChains.values()].some((c) => c.busyUntil <= nowMs);
  if (!staleChain && !state.tokens.some((t) => isExpired(t, nowMs))) return state;
  const tokens = state.tokens.filter((t) => !isExpired(t, nowMs));
  const traceChains = new Map([...state.traceChains].filter(([, c]) => c.busyUntil > nowMs));
  return { ...state, tokens: tokens.length === state.tokens.length ? state.tokens : tokens, traceChains };
}

/** Within a batch: the same sweep, on the draft. */
export function sweepBatchTokens(b: Batch): void {
  const now = b.opts.nowMs;
  if (b.tokens.some((t) => isExpired(t, now))) b.tokens = b.tokens.filter((t) => !isExpired(t, now));
  for (const [traceId, chain] of [...b.traceChains.entries()]) {
    if (chain.busyUntil <= now) b.traceChains.delete(traceId);
  }
}
