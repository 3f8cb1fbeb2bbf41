/** Per-message state from the trace: envelope, per-recipient status, queue membership. */
import type { TraceEvent } from '../../../server/api/trace.js';
import { mutable, type Batch, type Mutable } from './batch.js';
import type { MessageStatus, MessageView, RecipientView } from './types.js';

type Draft = Mutable<MessageView>;
type Rule<K extends TraceEvent['kind']> = (m: Draft, e: Extract<TraceEvent, { kind: K }>, b: Batch) => void;
type Rules = { [K in TraceEvent['kind']]?: Rule<K> };

const FINAL: ReadonlySet<string> = new Set(['delivered', 'failed']);

function newMessage(e: TraceEvent, traceId: string): MessageView {
  return {
    traceId,
    causedBy: e.causedBy,
    isDsn: e.causedBy !== undefined,
    recipients: [],
    recipientStates: {},
    status: 'in flight',
    inQueue: false,
    storedAt: [],
    path: [],
    pairs: [],
    dsnTraceIds: [],
    firstSeq: e.seq,
    lastSeq: e.seq,
    firstAt: e.at,
    lastAt: e.at,
  };
}

function recipient(m: Draft, address: string): RecipientView {
  const states = m.recipientStates as Record<string, RecipientView>;
  let state = states[address];
  if (state === undefined) {
    state = { address, status: 'pending', attempts: 0 };
    states[address] = state;
    (m.recipients as string[]).push(address);
  }
  return state;
}

function envelope(m: Draft, data: { sender: string; recipients: string[]; queueId: string }, e: TraceEvent): void {
  m.queueId ??= data.queueId;
  m.mta ??= e.node;
  m.sender = data.sender;
  for (const address of data.recipients) recipient(m, address);
  const subject = (e.data as { subject?: unknown }).subject;
  if (typeof subject === 'string') m.subject = subject;
}

const rules: Rules = {
  'message.accepted': (m, e, b) => {
    envelope(m, e.data, e);
    // The previous lab MTA's queue id (= its trace id), read by the server from the Received field.
    const previous = e.data.upstreamQueueId;
    const upstream = previous !== undefined && previous !== m.traceId ? b.messages.edit(previous) : undefined;
    if (upstream) {
      m.relayedFrom = upstream.traceId;
      const next = (upstream.relayedTo ?? []) as string[];
      if (!next.includes(m.traceId)) upstream.relayedTo = [...next, m.traceId];
      m.subject ??= upstream.subject;
    }
  },
  'message.queued': (m, e, b) => {
    envelope(m, e.data, e);
    if (!m.inQueue && isSiteQueue(b, m)) b.depth += 1;
    m.inQueue = true;
  },
  'verdict.given': (m, e) => {
    const { spam, virus, score, action } = e.data;
    m.verdict = { spam, virus, score, action };
  },
  'route.resolved': (m, e) => {
    const r = recipient(m, e.data.recipient);
    r.route = e.data.route;
    r.host = e.data.host;
  },
  'recipient.expanded': (m, e) => {
    const states = m.recipientStates as Record<string, RecipientView>;
    delete states[e.data.recipient];
    m.recipients = m.recipients.filter((a) => a !== e.data.recipient);
    for (const address of e.data.into) recipient(m, address);
  },
  'delivery.attempted': (m, e) => {
    for (const address of e.data.recipients) {
      const r = recipient(m, address);
      r.status = 'in flight';
      r.attempts = e.data.attempt;
      r.host ??= e.data.host;
    }
  },
  'delivery.deferred': (m, e) => {
    const r = recipient(m, e.data.recipient);
    Object.assign(r, { status: 'deferred', nextAttemptAt: e.data.nextAttemptAt, lastText: e.data.text });
  },
  'delivery.succeeded': (m, e) => {
    const r = recipient(m, e.data.recipient);
    Object.assign(r, { status: 'delivered', nextAttemptAt: undefined, lastText: e.data.text });
  },
  'delivery.failed': (m, e) => {
    const r = recipient(m, e.data.recipient);
    Object.assign(r, { status: 'failed', nextAttemptAt: undefined, lastText: e.data.text });
  },
  'message.dequeued': (m, e, b) => {
    if (m.inQueue && isSiteQueue(b, m)) b.depth = Math.max(0, b.depth - 1);
    m.inQueue = false;
    m.heldReason = undefined;
    if (e.data.outcome === 'deleted' || e.data.outcome === 'returned') {
      for (const r of Object.values(m.recipientStates)) {
        if (!FINAL.has(r.status)) Object.assign(r, { status: 'failed', lastText: `${e.data.outcome} by the operator` });
      }
    }
  },
  'message.held': (m, e) => {
    m.heldReason = e.data.reason;
  },
  'message.released': (m) => {
    m.heldReason = undefined;
  },
  'mailbox.stored': (m, e) => {
    (m.storedAt as string[]).push(`${e.data.address} @ ${e.node}`);
  },
  'dsn.generated': (m, e, b) => {
    m.isDsn = true;
    m.queueId ??= e.data.dsnQueueId;
    const original = e.causedBy ? b.messages.edit(e.causedBy) : undefined;
    if (original && !original.dsnTraceIds.includes(m.traceId)) (original.dsnTraceIds as string[]).push(m.traceId);
  },
};

export function messageStatus(m: MessageView): MessageStatus {
  if (m.heldReason !== undefined) return 'held';
  const states = Object.values(m.recipientStates).map((r) => r.status);
  if (states.includes('in flight')) return 'in flight';
  if (states.includes('pending')) return m.inQueue ? 'queued' : 'in flight';
  if (states.includes('deferred')) return 'deferred';
  if (states.length === 0) return m.inQueue ? 'queued' : 'in flight';
  return states.includes('failed') ? 'failed' : 'delivered';
}

function earliestAttempt(m: MessageView): number | undefined {
  let earliest: number | undefined;
  for (const r of Object.values(m.recipientStates)) {
    if (r.status === 'deferred' && r.nextAttemptAt !== undefined) {
      earliest = earliest === undefined ? r.nextAttemptAt : Math.min(earliest, r.nextAttemptAt);
    }
  }
  return earliest;
}

/** The message an event belongs to, created on first sight, editable for this batch. */
export function touchMessage(b: Batch, e: TraceEvent): Draft | undefined {
  if (e.traceId === undefined) return undefined;
  let m = b.messages.edit(e.traceId);
  if (m === undefined) {
    m = newMessage(e, e.traceId);
    b.messages.set(e.traceId, m);
  }
  const draft = mutable(m);
  draft.lastSeq = e.seq;
  draft.lastAt = e.at;
  if (e.causedBy !== undefined) Object.assign(draft, { causedBy: e.causedBy, isDsn: true });
  return draft;
}

export function applyMessageEvent(b: Batch, m: Draft, e: TraceEvent): void {
  const rule = rules[e.kind] as Rule<typeof e.kind> | undefined;
  rule?.(m, e as never, b);
  m.status = messageStatus(m);
  m.nextAttemptAt = m.status === 'deferred' ? earliestAttempt(m) : undefined;
  syncQueueSets(b, m);
}

/** The queue node stands for the site MTA's queue; other MTAs' queues are not counted there. */
function isSiteQueue(b: Batch, m: MessageView): boolean {
  return b.opts.siteMta === undefined || m.mta === b.opts.siteMta;
}

export function syncQueueSets(b: Batch, m: MessageView): void {
  const queued = m.inQueue && isSiteQueue(b, m);
  if (queued && m.status === 'deferred') b.deferred.add(m.traceId);
  else b.deferred.delete(m.traceId);
  if (queued && m.status === 'held') b.held.add(m.traceId);
  else b.held.delete(m.traceId);
}

/** Nodes and node pairs a message touched, for "follow this message". */
export function recordPath(m: Draft, nodes: string[], pair?: string): void {
  for (const node of nodes) if (!m.path.includes(node)) (m.path as string[]).push(node);
  if (pair !== undefined && !m.pairs.includes(pair)) (m.pairs as string[]).push(pair);
}

/** Keeps at most `limit` messages: finished ones go first, oldest first. */
export function evictMessages(b: Batch, limit: number): void {
  let excess = b.messages.size - limit;
  if (excess <= 0) return;
  const victims: string[] = [];
  for (const [traceId, m] of b.messages.entries()) {
    if (victims.length >= excess) break;
    if (!m.inQueue) victims.push(traceId);
  }
  for (const traceId of victims) b.messages.delete(traceId);
  excess -= victims.length;
  for (const traceId of [...b.messages.keys()].slice(0, Math.max(0, excess))) {
    b.messages.delete(traceId);
    b.deferred.delete(traceId);
    b.held.delete(traceId);
  }
}
