/**
 * What the inspector says about one message, derived from the fold (pure, no React):
 * the traces that belong to its story (its DSNs, the copy the next MTA queued, the one
 * it came from), the timeline of their events with durations, the sessions that carried
 * it, the routing facts and where it was stored.
 */
import type { TraceEvent } from '../../../../server/api/trace.js';
import { eventsOfTrace, indexOfSeq } from '../../fold/event-list.js';
import { sessionKey } from '../../fold/sessions.js';
import type { FoldState } from '../../fold/types.js';

export type Relation = 'this message' | 'DSN' | 'original' | 'next hop' | 'previous hop';

export interface RelatedTrace {
  traceId: string;
  relation: Relation;
  /** The MTA that holds that copy, when known. */
  host?: string;
}

type Ev<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/** Most traces followed from one message (a mail loop must not make this unbounded). */
const MAX_RELATED = 8;
const QUEUED_AS = /queued as (\S+)/;

/** The trace of the copy a reply "queued as X" names (the queue id is the trace id, or a message's queueId). */
function traceOfQueueId(fold: FoldState, queueId: string): string | undefined {
  if (fold.messages.has(queueId)) return queueId;
  for (const m of fold.messages.values()) if (m.queueId === queueId) return m.traceId;
  return undefined;
}

/**
 * The copies the next MTA of the lab queued: the fold links them by message.accepted's
 * upstreamQueueId (relayedTo); a "queued as X" reply to a delivery names them too.
 */
function nextHops(fold: FoldState, traceId: string): string[] {
  const out = [...(fold.messages.get(traceId)?.relayedTo ?? [])];
  for (const e of eventsOfTrace(fold.events, fold.eventsByTrace, traceId)) {
    if (e.kind !== 'delivery.succeeded') continue;
    const queueId = QUEUED_AS.exec(e.data.text)?.[1];
    const next = queueId === undefined ? undefined : traceOfQueueId(fold, queueId);
    if (next !== undefined && next !== traceId && !out.includes(next)) out.push(next);
  }
  return out;
}

function previousHop(fold: FoldState, traceId: string): string | undefined {
  const m = fold.messages.get(traceId);
  if (m?.relayedFrom !== undefined) return m.relayedFrom;
  const needle = `queued as ${m?.queueId ?? traceId}`;
  for (let i = fold.events.length - 1; i >= 0; i--) {
    const e = fold.events[i]!;
    if (e.kind === 'delivery.succeeded' && e.traceId !== traceId && e.data.text.includes(needle)) return e.traceId;
  }
  return undefined;
}

export function relatedTraces(fold: FoldState, traceId: string): RelatedTrace[] {
  const out: RelatedTrace[] = [];
  const add = (id: string | undefined, relation: Relation) => {
    if (id === undefined || out.length >= MAX_RELATED || out.some((r) => r.traceId === id)) return false;
    out.push({ traceId: id, relation, host: fold.messages.get(id)?.mta });
    return true;
  };
  add(traceId, 'this message');
  let back: string | undefined = traceId;
  while ((back = previousHop(fold, back)) !== undefined && add(back, 'previous hop'));
  for (let i = 0; i < out.length && out.length < MAX_RELATED; i++) {
    const current = out[i]!;
    if (current.relation === 'DSN') continue;
    const m = fold.messages.get(current.traceId);
    if (current.relation === 'this message') add(m?.causedBy, 'original');
    for (const next of nextHops(fold, current.traceId)) add(next, 'next hop');
    for (const dsn of m?.dsnTraceIds ?? []) add(dsn, 'DSN');
  }
  return out;
}

/** The events of these traces still in the list, in seq order. */
export function eventsOfTraces(fold: FoldState, traceIds: readonly string[]): TraceEvent[] {
  const all = traceIds.flatMap((id) => eventsOfTrace(fold.events, fold.eventsByTrace, id));
  return all.sort((a, b) => a.seq - b.seq);
}

export interface TimelineStep {
  event: TraceEvent;
  /** World-clock ms since the first event shown. */
  sinceStartMs: number;
  /** Since the previous step. */
  deltaMs: number;
  /** For a delivery attempt: until its outcome (succeeded, deferred, failed). */
  durationMs?: number;
  /** The host this step happened on (a lookup counts for the host that asked). */
  host: string;
  /** True for the first step on a host after steps elsewhere: a new hop begins. */
  hopStart: boolean;
}

const OUTCOMES = new Set(['delivery.succeeded', 'delivery.deferred', 'delivery.failed']);

function stepHost(e: TraceEvent): string {
  if (e.kind === 'directory.searched' || e.kind === 'directory.bound' || e.kind === 'dns.answered') {
    return e.from ?? e.node;
  }
  return e.node;
}

function attemptDuration(events: readonly TraceEvent[], i: number): number | undefined {
  const attempt = events[i] as Ev<'delivery.attempted'>;
  for (let j = i + 1; j < events.length; j++) {
    const e = events[j]!;
    if (e.traceId !== attempt.traceId || !OUTCOMES.has(e.kind)) continue;
    const recipient = (e.data as { recipient: string }).recipient;
    if (attempt.data.recipients.includes(recipient)) return e.at - attempt.at;
  }
  return undefined;
}

export function timeline(events: readonly TraceEvent[]): TimelineStep[] {
  const first = events[0]?.at ?? 0;
  let previousHost: string | undefined;
  return events.map((event, i) => {
    const host = stepHost(event);
    const step: TimelineStep = {
      event,
      sinceStartMs: event.at - first,
      deltaMs: i === 0 ? 0 : event.at - events[i - 1]!.at,
      durationMs: event.kind === 'delivery.attempted' ? attemptDuration(events, i) : undefined,
      host,
      hopStart: host !== previousHost,
    };
    previousHost = host;
    return step;
  });
}

export interface SessionRef {
  key: string;
  node: string;
  sessionId: string;
  /** How we know it carried this message. */
  how: string;
}

/** How far after a delivery attempt its session may open and still be matched to it. */
const MATCH_WINDOW_EVENTS = 400;

/**
 * The sessions that carried the message: the one it was accepted in (exact: the event
 * names it), and for each connection attempt the first session that opened on the
 * target host after it (matched by order: the trace has no id linking the two ends).
 */
export function sessionsOf(fold: FoldState, events: readonly TraceEvent[]): SessionRef[] {
  const refs: SessionRef[] = [];
  const add = (node: string, sessionId: string, how: string) => {
    const key = sessionKey(node, sessionId);
    if (!refs.some((r) => r.key === key)) refs.push({ key, node, sessionId, how });
  };
  for (const e of events) {
    if (e.kind === 'message.accepted') add(e.node, e.data.sessionId, `received ${e.data.queueId}`);
  }
  for (const e of events) {
    if (e.kind !== 'delivery.attempted' || e.to === undefined) continue;
    const start = indexOfSeq(fold.events, e.seq);
    if (start < 0) continue;
    const end = Math.min(fold.events.length, start + MATCH_WINDOW_EVENTS);
    for (let i = start + 1; i < end; i++) {
      const s = fold.events[i]!;
      if (s.kind === 'session.opened' && s.node === e.to) {
        add(s.node, s.data.sessionId, `delivery attempt ${e.data.attempt} (matched by time)`);
        break;
      }
      // Its outcome came first: no session opened for this attempt (connection refused).
      if (s.traceId === e.traceId && OUTCOMES.has(s.kind)) break;
    }
  }
  return refs;
}

export interface RoutingFacts {
  routes: Ev<'route.resolved'>[];
  expansions: Ev<'recipient.expanded'>[];
  lookups: Ev<'directory.searched'>[];
  dnsAnswers: Ev<'dns.answered'>[];
  faults: Ev<'fault.applied'>[];
}

export function routingFacts(events: readonly TraceEvent[]): RoutingFacts {
  const facts: RoutingFacts = { routes: [], expansions: [], lookups: [], dnsAnswers: [], faults: [] };
  for (const e of events) {
    if (e.kind === 'route.resolved') facts.routes.push(e);
    else if (e.kind === 'recipient.expanded') facts.expansions.push(e);
    else if (e.kind === 'directory.searched') facts.lookups.push(e);
    else if (e.kind === 'dns.answered') facts.dnsAnswers.push(e);
    else if (e.kind === 'fault.applied') facts.faults.push(e);
  }
  return facts;
}

export function verdictOf(events: readonly TraceEvent[]): Ev<'verdict.given'> | undefined {
  let found: Ev<'verdict.given'> | undefined;
  for (const e of events) if (e.kind === 'verdict.given') found = e;
  return found;
}

export interface StoredRef {
  address: string;
  folder: string;
  uid: number;
  node: string;
  traceId?: string;
}

export function storedCopies(events: readonly TraceEvent[]): StoredRef[] {
  const out: StoredRef[] = [];
  for (const e of events) {
    if (e.kind !== 'mailbox.stored') continue;
    const { address, folder, uid } = e.data;
    if (!out.some((r) => r.address === address && r.folder === folder && r.uid === uid)) {
      out.push({ address, folder, uid, node: e.node, traceId: e.traceId });
    }
  }
  return out;
}

/** The trace of a stored message (for "inspect" in the Stores panel), while its event is still in the list. */
export function traceOfStored(
  events: readonly TraceEvent[],
  ref: { address: string; folder: string; uid: number },
): string | undefined {
  const address = ref.address.toLowerCase();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (
      e.kind === 'mailbox.stored' &&
      e.data.address.toLowerCase() === address &&
      e.data.folder === ref.folder &&
      e.data.uid === ref.uid
    ) {
      return e.traceId;
    }
  }
  return undefined;
}
