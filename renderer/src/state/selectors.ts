/**
 * Derived views of the AppState, memoized on the identity of their inputs so that a
 * component re-renders only when its own slice really changed (the fold returns the
 * same objects for untouched parts).
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import { nodeHealth, type NodeHealth } from '../fold/faults.js';
import { eventsOfTrace } from '../fold/event-list.js';
import { pairKey, type MessageView, type NodeLive, type Token } from '../fold/types.js';
import { buildTopology, resolveNodeId, withTracedPairs, type Topology } from '../topology/topology.js';
import type { AppState, EventFilter } from './app-state.js';
import { shallowEqualArrays } from './store.js';

/** Remembers the last result for the last inputs (compared by identity). */
export function memoLast<A extends readonly unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | undefined;
  let lastResult: R;
  return (...args: A) => {
    if (lastArgs && shallowEqualArrays(lastArgs, args)) return lastResult;
    lastArgs = args;
    lastResult = compute(...args);
    return lastResult;
  };
}

export interface Selectors {
  topology(s: AppState): Topology | undefined;
  tokensByEdge(s: AppState): ReadonlyMap<string, readonly EdgeToken[]>;
  highlight(s: AppState): Highlight | undefined;
  filteredEvents(s: AppState): readonly TraceEvent[];
}

export interface EdgeToken {
  token: Token;
  /** The token runs target → source of the drawn edge. */
  reversed: boolean;
}

export interface Highlight {
  traceId: string;
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

/** One set of memoized selectors per store (memo state must not be shared between stores). */
export function createSelectors(): Selectors {
  const base = memoLast((world: AppState['world'], users: AppState['users']) =>
    world ? buildTopology(world, users ?? []) : undefined,
  );
  const traced = memoLast((topo: Topology | undefined, pairs: ReadonlySet<string>) =>
    topo ? withTracedPairs(topo, pairs) : undefined,
  );
  const topology = (s: AppState) => traced(base(s.world, s.users), s.fold.seenPairs);

  let previousByEdge = new Map<string, readonly EdgeToken[]>();
  const byEdge = memoLast((tokens: readonly Token[], topo: Topology | undefined) => {
    const next = new Map<string, EdgeToken[]>();
    if (!topo) return next;
    const edges = new Map(topo.edges.map((e) => [e.id, e]));
    for (const token of tokens) {
      const from = resolveNodeId(topo, token.from);
      const to = resolveNodeId(topo, token.to);
      if (from === undefined || to === undefined) continue;
      const edge = edges.get(pairKey(from, to));
      if (!edge) continue;
      const list = next.get(edge.id) ?? [];
      list.push({ token, reversed: edge.source !== from });
      next.set(edge.id, list);
    }
    // Edges whose tokens did not change keep their array: their components skip rendering.
    const stable = new Map<string, readonly EdgeToken[]>();
    for (const [id, list] of next) {
      const old = previousByEdge.get(id);
      const same = old && old.length === list.length && old.every((t, i) => t.token === list[i]!.token);
      stable.set(id, same ? old : list);
    }
    previousByEdge = stable;
    return stable;
  });

  const relayChain = createRelayChain();
  const highlight = memoLast(
    (traceId: string | undefined, chain: readonly MessageView[], topo: Topology | undefined) => {
      if (traceId === undefined || topo === undefined) return undefined;
      const nodes = new Set<string>();
      const edges = new Set<string>();
      for (const message of chain) {
        for (const id of message.path) {
          const resolved = resolveNodeId(topo, id);
          if (resolved) nodes.add(resolved);
        }
        for (const pair of message.pairs) {
          const [a, b] = pair.split('|') as [string, string];
          const from = resolveNodeId(topo, a);
          const to = resolveNodeId(topo, b);
          if (from && to) edges.add(pairKey(from, to));
        }
      }
      return { traceId, nodes, edges };
    },
  );

  const filtered = memoLast(
    (events: readonly TraceEvent[], index: ReadonlyMap<string, readonly number[]>, filter: EventFilter) =>
      filterEvents(events, index, filter),
  );

  return {
    topology,
    tokensByEdge: (s) => byEdge(s.fold.tokens, topology(s)),
    highlight: (s) => highlight(s.ui.selectedTraceId, relayChain(s, s.ui.selectedTraceId), topology(s)),
    filteredEvents: (s) => filtered(s.fold.events, s.fold.eventsByTrace, s.ui.eventFilter),
  };
}

function messageOf(s: AppState, traceId: string | undefined): MessageView | undefined {
  return traceId === undefined ? undefined : s.fold.messages.get(traceId);
}

/**
 * "Follow this message" follows it across the world's MTAs: each MTA gives it a trace
 * of its own, linked by the ENVID it was relayed with (relayedFrom / relayedTo). The
 * same array comes back while every member is unchanged, so the highlight memo holds.
 */
function createRelayChain(): (s: AppState, traceId: string | undefined) => readonly MessageView[] {
  let lastChain: readonly MessageView[] = [];
  return (s, traceId) =>
    relayChainOf(s, traceId, (chain) => {
      const same = chain.length === lastChain.length && chain.every((m, i) => m === lastChain[i]);
      if (!same) lastChain = chain;
      return lastChain;
    });
}

function relayChainOf(
  s: AppState,
  traceId: string | undefined,
  stable: (chain: MessageView[]) => readonly MessageView[],
): readonly MessageView[] {
  const selected = messageOf(s, traceId);
  if (!selected) return EMPTY_CHAIN;
  const seen = new Set<string>();
  const chain: MessageView[] = [];
  const visit = (id: string | undefined) => {
    if (id === undefined || seen.has(id) || seen.size > 50) return;
    seen.add(id);
    const m = s.fold.messages.get(id);
    if (!m) return;
    chain.push(m);
    visit(m.relayedFrom);
    for (const next of m.relayedTo ?? []) visit(next);
  };
  visit(selected.traceId);
  return stable(chain);
}

const EMPTY_CHAIN: readonly MessageView[] = [];

export function filterEvents(
  events: readonly TraceEvent[],
  index: ReadonlyMap<string, readonly number[]>,
  filter: EventFilter,
): readonly TraceEvent[] {
  const traceId = filter.traceId?.trim();
  const { kind, host } = filter;
  if (!traceId && !kind && !host) return events;
  // An exact trace id uses the index; a partial one scans.
  const source = traceId && index.has(traceId) ? eventsOfTrace(events, index, traceId) : events;
  return source.filter(
    (e) =>
      (!traceId || (e.traceId?.startsWith(traceId) ?? false) || e.causedBy === traceId) &&
      (!kind || e.kind === kind) &&
      (!host || e.node === host || e.from === host || e.to === host),
  );
}

/** Per-node selectors (cheap: direct map reads, stable identities). */
export const nodeSelectors = {
  live:
    (id: string) =>
    (s: AppState): NodeLive | undefined =>
      s.fold.nodes.get(id),
  health:
    (id: string) =>
    (s: AppState): NodeHealth =>
      nodeHealth(s.fold.faults, id),
};
