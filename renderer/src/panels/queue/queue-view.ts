/** Pure helpers of the Queue panel: when to reload, and how a recipient's state reads. */
import type { TraceEvent } from '../../../../server/api/trace.js';
import type { QueuedMessageView } from '../../api/client.js';

const QUEUE_KINDS: ReadonlySet<string> = new Set([
  'message.queued',
  'route.resolved',
  'recipient.expanded',
  'delivery.attempted',
  'delivery.deferred',
  'delivery.succeeded',
  'delivery.failed',
  'message.dequeued',
  'message.held',
  'message.released',
  'dsn.generated',
]);

/**
 * The seq of the newest event that can change `host`'s queue (or the clock, which moves
 * every countdown): the panel reloads when it changes. Scans from the end, so it is
 * cheap while queue events keep coming.
 */
export function lastQueueEventSeq(events: readonly TraceEvent[], host: string): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind === 'clock.changed' || e.kind === 'world.started') return e.seq;
    if (e.node === host && QUEUE_KINDS.has(e.kind)) return e.seq;
  }
  return 0;
}

export type RecipientState = 'waiting' | 'deferred' | 'in flight' | 'delivered' | 'failed' | 'expanded';

type Recipient = QueuedMessageView['recipients'][number];

/** A pending recipient that has been tried is waiting for its next attempt: "deferred". */
export function recipientState(r: Recipient): RecipientState {
  switch (r.status) {
    case 'pending':
      return r.attempts > 0 ? 'deferred' : 'waiting';
    case 'active':
      return 'in flight';
    default:
      return r.status;
  }
}

export interface QueueSummary {
  messages: number;
  held: number;
  deferred: number;
}

export function summarizeQueue(list: readonly QueuedMessageView[]): QueueSummary {
  let held = 0;
  let deferred = 0;
  for (const m of list) {
    if (m.status === 'held') held += 1;
    else if (m.recipients.some((r) => recipientState(r) === 'deferred')) deferred += 1;
  }
  return { messages: list.length, held, deferred };
}

/** Which actions make sense for a message in this state (the server refuses the others with 409). */
export function actionsFor(m: QueuedMessageView): Array<'hold' | 'release' | 'retry' | 'return' | 'delete'> {
  if (m.status === 'done') return [];
  return m.status === 'held' ? ['release', 'return', 'delete'] : ['hold', 'retry', 'return', 'delete'];
}

/** MTA hosts whose queue can be listed: the site MTA first, then the others of the world. */
export const QUEUE_ROLES: readonly string[] = ['mta', 'smarthost', 'lan-mta', 'internet-mta'];
