/**
 * The UI's model of a world: a pure fold of the trace (see fold.ts). Everything here is
 * plain data, read-only to its users, so React can compare by identity and a test can
 * compare with deepEqual.
 */
import type { TraceEvent, TraceKind } from '../../../server/api/trace.js';

export type MessageStatus = 'in flight' | 'queued' | 'deferred' | 'delivered' | 'failed' | 'held';
export type RecipientStatus = 'pending' | 'in flight' | 'deferred' | 'delivered' | 'failed';

export interface RecipientView {
  address: string;
  status: RecipientStatus;
  /** The route kind and host from route.resolved, once known. */
  route?: string;
  host?: string;
  attempts: number;
  nextAttemptAt?: number;
  /** The last reply or reason (deferral, failure, success). */
  lastText?: string;
}

export interface MessageView {
  traceId: string;
  queueId?: string;
  /** The MTA that holds it (where it was accepted or queued): the site's, or a host of the simulated world. */
  mta?: string;
  /** For a DSN: the trace of the message it reports on. */
  causedBy?: string;
  isDsn: boolean;
  /** Only when the trace carries one (message.accepted / message.queued `subject`). */
  subject?: string;
  sender?: string;
  recipients: readonly string[];
  recipientStates: Readonly<Record<string, RecipientView>>;
  status: MessageStatus;
  inQueue: boolean;
  heldReason?: string;
  /** Earliest next attempt among deferred recipients (world-clock ms). */
  nextAttemptAt?: number;
  verdict?: { spam: string; virus: string; score: number; action?: string };
  /** Where it was stored (address → store host). */
  storedAt: readonly string[];
  /** Nodes it touched, in first-touch order, and the node pairs (pairKey) it crossed. */
  path: readonly string[];
  pairs: readonly string[];
  /** DSNs generated about this message (their trace ids). */
  dsnTraceIds: readonly string[];
  /** The same message at the previous MTA of the world (its trace id; message.accepted's upstreamQueueId). */
  relayedFrom?: string;
  /** The same message at the next MTAs it was handed to. */
  relayedTo?: readonly string[];
  firstSeq: number;
  lastSeq: number;
  firstAt: number;
  lastAt: number;
  /** A verdict seen before message.accepted waits here so the tokens run in story order. */
  pendingVerdictHop?: boolean;
}

export interface NodeLive {
  openSessions: number;
  /** mailbox.stored on this node since the trace began. */
  storedCount: number;
  eventCount: number;
  lastEventAt: number;
}

export interface QueueLive {
  /** Messages queued and not yet dequeued. */
  depth: number;
  deferred: ReadonlySet<string>;
  held: ReadonlySet<string>;
}

export type TokenKind = 'message' | 'dsn' | 'failure' | 'deferral' | 'pulse' | 'session';

/** One animated hop: a dot riding the edge from → to. Times are animation-clock ms. */
export interface Token {
  id: string;
  traceId?: string;
  /** The trace whose colour a DSN token wears. */
  colorTraceId?: string;
  from: string;
  to: string;
  kind: TokenKind;
  eventKind: TraceKind;
  seq: number;
  startedAt: number;
  durationMs: number;
  label: string;
}

export type TranscriptDirection = 'client' | 'server';

export interface TranscriptLine {
  seq: number;
  at: number;
  direction: TranscriptDirection;
  text: string;
}

export interface SessionView {
  key: string;
  sessionId: string;
  node: string;
  protocol: string;
  open: boolean;
  user?: string;
  openedAt?: number;
  lines: readonly TranscriptLine[];
}

export interface FaultView {
  faultId: string;
  target: string;
  kind?: string;
  effect: string;
  node: string;
}

export interface FoldState {
  lastSeq: number;
  /** Highest world-clock time seen in an event. */
  worldNow: number;
  /** The most recent events, oldest first, at most EVENT_LIMIT. */
  events: readonly TraceEvent[];
  /** traceId → seqs of its events still in `events` (most recent ones). */
  eventsByTrace: ReadonlyMap<string, readonly number[]>;
  messages: ReadonlyMap<string, MessageView>;
  nodes: ReadonlyMap<string, NodeLive>;
  queue: QueueLive;
  tokens: readonly Token[];
  /** Per trace with tokens queued or moving: when its last hop ends (animation clock) and which hop it was. */
  traceChains: ReadonlyMap<string, TraceChain>;
  sessions: ReadonlyMap<string, SessionView>;
  faults: ReadonlyMap<string, FaultView>;
  /** Node pairs (pairKey) any token has crossed: lets the diagram add an edge the topology lacks. */
  seenPairs: ReadonlySet<string>;
  tokenCounter: number;
  /** Tokens not drawn because too many were already moving. */
  droppedTokens: number;
}

export interface TraceChain {
  busyUntil: number;
  /** "from>to>kind" of the last hop: a repeat (one route.resolved per recipient) is not drawn twice. */
  lastHop: string;
}

export interface FoldOptions {
  /** Animation-clock now (ms): stops while paused. */
  nowMs: number;
  /** false for history (catch-up): state is built, nothing is animated. */
  animate: boolean;
  /**
   * The site's MTA host. Its events are drawn through its parts (verdict, disk queue,
   * router) and its queue is the one the queue node counts. Other MTAs of the world
   * (smarthost, LAN server, Internet hosts) are drawn only by their links.
   */
  siteMta: string | undefined;
}

export interface FoldLimits {
  events: number;
  eventsPerTrace: number;
  messages: number;
  sessions: number;
  linesPerSession: number;
  tokens: number;
  hopMs: number;
  pulseMs: number;
  /** A trace's hops queue one after another, but never start more than this late. */
  maxLagMs: number;
}

export const DEFAULT_LIMITS: Readonly<FoldLimits> = {
  events: 10_000,
  eventsPerTrace: 500,
  messages: 5_000,
  sessions: 1_000,
  linesPerSession: 300,
  tokens: 600,
  hopMs: 800,
  pulseMs: 600,
  maxLagMs: 10_000,
};

/** One key per unordered node pair: a token A→B and B→A ride the same edge. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function emptyFoldState(): FoldState {
  return {
    lastSeq: 0,
    worldNow: 0,
    events: [],
    eventsByTrace: new Map(),
    messages: new Map(),
    nodes: new Map(),
    queue: { depth: 0, deferred: new Set(), held: new Set() },
    tokens: [],
    traceChains: new Map(),
    sessions: new Map(),
    faults: new Map(),
    seenPairs: new Set(),
    tokenCounter: 0,
    droppedTokens: 0,
  };
}
