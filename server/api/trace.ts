/**
 * The trace: every animation in the UI is one of these recorded facts. This file is
 * the contract between the mail system and the renderer (types only, no runtime).
 *
 * An event is emitted after the fact is true (after the SQLite commit, after the reply
 * was written). `seq` is gap-free per world; `at` is world-clock milliseconds.
 */

export type Protocol = 'smtp' | 'submission' | 'lmtp' | 'ldap' | 'imap' | 'pop3' | 'http' | 'dns';

/** Where a recipient goes, as decided by the router from the directory. */
export type RouteKind = 'store' | 'lan' | 'smarthost' | 'unroutable';

export interface TracePayloads {
  'session.opened': {
    sessionId: string;
    protocol: Protocol;
    remoteAddress: string;
    remotePort: number;
    localPort: number;
  };
  'session.closed': { sessionId: string; protocol: Protocol; reason: string };
  'tls.started': { sessionId: string; protocol: Protocol; cipher?: string };
  'smtp.command': { sessionId: string; protocol: Protocol; verb: string; args: string };
  'smtp.reply': { sessionId: string; protocol: Protocol; code: number; enhanced?: string; text: string };
  'auth.succeeded': { sessionId: string; protocol: Protocol; mechanism: string; user: string };
  'auth.failed': { sessionId: string; protocol: Protocol; mechanism: string; user: string; reason: string };
  'directory.bound': { dn: string; ok: boolean; purpose: string; durationMs: number };
  'directory.searched': {
    base: string;
    scope: 'base' | 'one' | 'sub';
    filter: string;
    purpose: string;
    entries: number;
    dns: string[];
    durationMs: number;
  };
  'message.accepted': { sessionId: string; queueId: string; sender: string; recipients: string[]; sizeBytes: number };
  'message.queued': { queueId: string; sender: string; recipients: string[]; sizeBytes: number; source: string };
  'verdict.given': {
    queueId: string;
    spam: 'clean' | 'spam';
    virus: 'clean' | 'infected';
    score: number;
    reasons: string[];
  };
  'route.resolved': {
    queueId: string;
    recipient: string;
    /** The address the sender used, when the directory rewrote it (alias, group, forwarding). */
    originalRecipient: string;
    route: RouteKind;
    host?: string;
    channel: string;
    reason: string;
  };
  'recipient.expanded': { queueId: string; recipient: string; into: string[]; reason: string };
  'delivery.attempted': { queueId: string; recipients: string[]; channel: string; host: string; attempt: number };
  'delivery.succeeded': {
    queueId: string;
    recipient: string;
    channel: string;
    host: string;
    code: number;
    text: string;
  };
  'delivery.deferred': {
    queueId: string;
    recipient: string;
    channel: string;
    host?: string;
    code?: number;
    text: string;
    attempt: number;
    nextAttemptAt?: number;
  };
  'delivery.failed': {
    queueId: string;
    recipient: string;
    channel: string;
    host?: string;
    code?: number;
    text: string;
  };
  'message.dequeued': { queueId: string; outcome: 'delivered' | 'failed' | 'deleted' | 'returned' };
  'message.held': { queueId: string; reason: string };
  'message.released': { queueId: string };
  'dsn.generated': { queueId: string; dsnQueueId: string; recipients: string[]; action: 'failed' | 'delayed' };
  'mailbox.stored': {
    address: string;
    folder: string;
    uid: number;
    sizeBytes: number;
    messageId?: string;
    duplicate: boolean;
  };
  /** The MMP checked a login against the directory and found the user's store. */
  'mmp.authenticated': { sessionId: string; protocol: Protocol; user: string; mailHost: string };
  'mmp.failed': { sessionId: string; protocol: Protocol; user: string; reason: string };
  /** The MMP logged in at the back end and now relays (client → MMP → store host). */
  'mmp.proxied': { sessionId: string; protocol: Protocol; user: string; backend: string; backendPort: number };
  'clock.changed': { mode: string; now: number };
  'fault.injected': { faultId: string; target: string; effect: string };
  'fault.cleared': { faultId: string };
  'world.started': { name: string };
  'world.stopped': { name: string };
}

export type TraceKind = keyof TracePayloads;

export interface TraceEnvelope {
  /** Gap-free, per world, starting at 1. */
  seq: number;
  /** World-clock epoch milliseconds. */
  at: number;
  /** One per message (`msg_…`); a DSN gets its own with `causedBy` set to the original. */
  traceId?: string;
  causedBy?: string;
  /** `msg_ab12`, `msg_ab12.d1`, `msg_ab12.d1.a2`. */
  spanId?: string;
  parentSpanId?: string;
  /** The host (node id of the diagram) where the fact happened. */
  node: string;
  /** Set for an event that crosses a link: from → to. */
  from?: string;
  to?: string;
}

export type TraceEvent<K extends TraceKind = TraceKind> = K extends TraceKind
  ? TraceEnvelope & { kind: K; data: TracePayloads[K] }
  : never;

/** What an emitter supplies; the tracer stamps `seq` and `at`. */
export type TraceInput<K extends TraceKind = TraceKind> = K extends TraceKind
  ? Omit<TraceEnvelope, 'seq' | 'at'> & { kind: K; data: TracePayloads[K] }
  : never;
