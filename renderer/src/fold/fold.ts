/**
 * The UI state is a pure fold of the trace: `foldEvents(state, events, options)`
 * returns a new state and never changes the one it was given. One call per animation
 * frame with every event that arrived since the last one; events at or below
 * `lastSeq` (a resumed stream repeating itself) are ignored.
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import { openBatch, type Batch } from './batch.js';
import { appendEvents } from './event-list.js';
import { applyFaultEvent } from './faults.js';
import { hopsFor } from './hops.js';
import { applyMessageEvent, evictMessages, recordPath, touchMessage } from './messages.js';
import { applySessionEvent, evictSessions, touchNode } from './sessions.js';
import { addTokens, sweepBatchTokens, sweepTokens } from './tokens.js';
import { DEFAULT_LIMITS, pairKey, type FoldLimits, type FoldOptions, type FoldState } from './types.js';

export function foldEvents(
  state: FoldState,
  events: readonly TraceEvent[],
  opts: FoldOptions,
  limits: FoldLimits = DEFAULT_LIMITS,
): FoldState {
  const fresh: TraceEvent[] = [];
  let lastSeq = state.lastSeq;
  for (const e of events) {
    if (e.seq > lastSeq) {
      fresh.push(e);
      lastSeq = e.seq;
    }
  }
  if (fresh.length === 0) return sweepTokens(state, opts.nowMs);

  const b = openBatch(state, opts, limits);
  sweepBatchTokens(b);
  for (const e of fresh) applyEvent(b, e);
  evictMessages(b, limits.messages);
  evictSessions(b, limits.sessions);
  return {
    lastSeq,
    worldNow: b.worldNow,
    events: appendEvents(b, state.events, fresh),
    eventsByTrace: b.eventsByTrace.result(),
    messages: b.messages.result(),
    nodes: b.nodes.result(),
    queue: { depth: b.depth, deferred: b.deferred.result(), held: b.held.result() },
    tokens: b.tokens,
    traceChains: b.traceChains.result(),
    sessions: b.sessions.result(),
    faults: b.faults.result(),
    seenPairs: b.seenPairs.result(),
    tokenCounter: b.tokenCounter,
    droppedTokens: b.droppedTokens,
  };
}

function applyEvent(b: Batch, e: TraceEvent): void {
  b.worldNow = Math.max(b.worldNow, e.at);
  const node = touchNode(b, e.node, e.at);
  if (e.kind === 'mailbox.stored') node.storedCount += 1;
  applySessionEvent(b, e, node);
  applyFaultEvent(b, e);
  const message = touchMessage(b, e);
  if (message) applyMessageEvent(b, message, e);
  const hops = hopsFor(b, e);
  for (const hop of hops) b.seenPairs.add(pairKey(hop.from, hop.to));
  if (message) {
    recordPath(message, [e.node]);
    for (const hop of hops) recordPath(message, [hop.from, hop.to], pairKey(hop.from, hop.to));
  }
  if (b.opts.animate && hops.length > 0) addTokens(b, e, hops);
}
