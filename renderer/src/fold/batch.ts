/** The working copy of a FoldState while one batch of events is folded in. */
import { MapDraft, SetDraft } from './draft.js';
import type {
  FaultView,
  FoldLimits,
  FoldOptions,
  FoldState,
  MessageView,
  NodeLive,
  SessionView,
  Token,
  TraceChain,
} from './types.js';

export interface Batch {
  readonly opts: FoldOptions;
  readonly limits: FoldLimits;
  readonly messages: MapDraft<string, MessageView>;
  readonly nodes: MapDraft<string, NodeLive>;
  readonly sessions: MapDraft<string, SessionView>;
  readonly faults: MapDraft<string, FaultView>;
  readonly deferred: SetDraft<string>;
  readonly held: SetDraft<string>;
  readonly seenPairs: SetDraft<string>;
  readonly eventsByTrace: MapDraft<string, readonly number[]>;
  readonly traceChains: MapDraft<string, TraceChain>;
  depth: number;
  worldNow: number;
  tokens: Token[];
  tokenCounter: number;
  droppedTokens: number;
}

const cloneMessage = (m: MessageView): MessageView => ({
  ...m,
  recipients: [...m.recipients],
  recipientStates: Object.fromEntries(Object.entries(m.recipientStates).map(([k, r]) => [k, { ...r }])),
  storedAt: [...m.storedAt],
  path: [...m.path],
  pairs: [...m.pairs],
  dsnTraceIds: [...m.dsnTraceIds],
});

const cloneSession = (s: SessionView): SessionView => ({ ...s, lines: [...s.lines] });

export function openBatch(state: FoldState, opts: FoldOptions, limits: FoldLimits): Batch {
  return {
    opts,
    limits,
    messages: new MapDraft(state.messages, cloneMessage),
    nodes: new MapDraft(state.nodes, (n) => ({ ...n })),
    sessions: new MapDraft(state.sessions, cloneSession),
    faults: new MapDraft(state.faults),
    deferred: new SetDraft(state.queue.deferred),
    held: new SetDraft(state.queue.held),
    seenPairs: new SetDraft(state.seenPairs),
    eventsByTrace: new MapDraft(state.eventsByTrace, (seqs) => [...seqs]),
    traceChains: new MapDraft(state.traceChains),
    depth: state.queue.depth,
    worldNow: state.worldNow,
    tokens: [...state.tokens],
    tokenCounter: state.tokenCounter,
    droppedTokens: state.droppedTokens,
  };
}

export type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/** Values stored in drafts are typed readonly; within a batch, edit() hands out owned copies. */
export function mutable<T>(value: T): Mutable<T> {
  return value as Mutable<T>;
}
