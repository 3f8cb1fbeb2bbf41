/**
 * The one door the HTTP server has into a running world. The world implements it;
 * the HTTP layer knows nothing else of queues, stores or clocks (protocol code apart
 * from storage), and tests hand it a fake made of plain data structures.
 */
import type { TraceEvent } from '../api/trace.js';
import type {
  ComposeRequest,
  ComposeResult,
  DirectoryView,
  DnsZoneView,
  MailboxMessageView,
  MailboxSummaryView,
  WorldView,
} from '../api/world-view.js';
import type { Fault, FaultSpec } from '../core/faults.js';
import type { HistoryRecord, QueuedMessage } from '../queue/types.js';

export const QUEUE_ACTIONS = ['hold', 'release', 'return', 'delete', 'retry'] as const;
export type QueueAction = (typeof QUEUE_ACTIONS)[number];

export function isQueueAction(text: string): text is QueueAction {
  return (QUEUE_ACTIONS as readonly string[]).includes(text);
}

export interface ClockRequest {
  /** 'real' | 'stepped' | 'scaled:N' (already checked by the HTTP layer). */
  mode?: string;
  advanceMs?: number;
}

export interface ControlFacade {
  world(): WorldView;
  /** Events with seq > afterSeq, at most `limit` of them, ordered by seq. */
  traceSince(afterSeq: number, limit: number): TraceEvent[];
  /** Live events, in seq order, each as its JSON text; returns the unsubscribe function. */
  subscribeTrace(listener: (seq: number, json: string) => void): () => void;
  /** The queue of the site MTA, or of another MTA host of the world (the smarthost, an Internet MX). */
  queue(host?: string): QueuedMessage[];
  queueMessage(queueId: string): { message: QueuedMessage; history: HistoryRecord[] } | undefined;
  /** The message as queued (bytes), on whichever MTA host holds it; undefined once done or unknown. */
  queueRaw(queueId: string): Buffer | undefined;
  /** Resolves undefined when there is no such message. */
  queueAction(queueId: string, action: QueueAction): Promise<QueuedMessage | undefined>;
  /** undefined = no such mailbox (or folder). */
  mailbox(address: string, folder: string): MailboxMessageView[] | undefined;
  mailboxMessage(address: string, folder: string, uid: number): { raw: Buffer } | undefined;
  setClock(request: ClockRequest): { mode: string; now: number };
  faults(): Fault[];
  addFault(spec: FaultSpec): Promise<Fault>;
  removeFault(id: string): Promise<boolean>;
  compose(request: ComposeRequest): Promise<ComposeResult>;
  directory(): DirectoryView;
  dns(): DnsZoneView[];
  mailboxes(): MailboxSummaryView[];
}

/**
 * Thrown by a facade method (or a route) when the request itself is wrong, e.g.
 * "cannot release a message that is not held" (409) or "advance needs the stepped
 * clock" (400). The HTTP layer answers with `status` and this message; anything
 * else thrown is a bug and becomes a 500 with a short text.
 */
export class ControlRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRequestError';
  }
}
