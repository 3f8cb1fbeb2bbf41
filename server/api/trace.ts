/**
 * The trace: every animation in the UI is one of these recorded facts. This file is
 * the contract between the mail system and the renderer (types only, no runtime).
 *
 * An event is emitted after the fact is true (after the SQLite commit, after the reply
 * was written). `seq` is gap-free per world; `at` is world-clock milliseconds.
 */

export type Protocol = 'smtp' | 'submission' | 'lmtp' | 'ldap' | 'imap' | 'pop3' | 'http' | 'dns';

/** Where a recipient goes, as decided by a router: a store, the LAN server, the smarthost, or straight to the domain's MX. */
export type RouteKind = 'store' | 'lan' | 'smarthost' | 'mx' | 'unroutable';

export interface VerdictRule {
  name: string;
  score: number;
  description: string;
}

export type VerdictAction = 'deliver' | 'tag' | 'junk' | 'hold' | 'reject';

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
  'message.accepted': {
    sessionId: string;
    queueId: string;
    sender: string;
    recipients: string[];
    sizeBytes: number;
    /** The Subject field, decoded, for the diagram's tooltips and lists. */
    subject?: string;
    /** MAIL FROM's ENVID (RFC 3461), when the sender gave one. */
    envId?: string;
    /**
     * The queue id at the previous MTA of the lab, read from the Received field it wrote
     * ("by HOST (Mailscope) with ESMTP id msg_…") — how a person traces a message hop by
     * hop, and how the diagram follows it from MTA to MTA.
     */
    upstreamQueueId?: string;
  };
  'message.queued': {
    queueId: string;
    sender: string;
    recipients: string[];
    sizeBytes: number;
    source: string;
    subject?: string;
  };
  'verdict.given': {
    queueId: string;
    spam: 'clean' | 'spam';
    virus: 'clean' | 'infected';
    score: number;
    reasons: string[];
    /** Each rule that fired, with its share of the score and what it means. */
    rules?: VerdictRule[];
    /** SPF / DKIM / DMARC results (RFC 8601 words: pass, fail, softfail, neutral, none, temperror, permerror). */
    auth?: { spf?: string; dkim?: string; dmarc?: string; summary?: string };
    /** What the site does with it. */
    action?: VerdictAction;
    /** Which engine judged: the built-in one or a real spamd. */
    engine?: string;
  };
  /** An outgoing message got a DKIM-Signature (the smarthost signs for the site). */
  'dkim.signed': { queueId: string; domain: string; selector: string };
  'route.resolved': {
    queueId: string;
    recipient: string;
    /** The address the sender used, when the directory rewrote it (alias, group, forwarding). */
    originalRecipient: string;
    route: RouteKind;
    host?: string;
    channel: string;
    reason: string;
    /**
     * True when the decision used the directory entry of the message's own RCPT-time
     * search, moments before, instead of searching again (the first pass of mail
     * delivered at once); later passes always search.
     */
    fromRcptLookup?: boolean;
  };
  'recipient.expanded': { queueId: string; recipient: string; into: string[]; reason: string };
  'delivery.attempted': {
    queueId: string;
    recipients: string[];
    channel: string;
    host: string;
    attempt: number;
    /** For SMTP out: the MX (or A) host actually tried, its preference and the real port. */
    mx?: string;
    preference?: number;
    port?: number;
  };
  /** One host a delivery tried could not take it (refused, timed out, 4xx/5xx greeting); the next is tried. */
  'delivery.hopFailed': {
    queueId: string;
    recipients: string[];
    channel: string;
    /** The host tried (an MX, or the relay). */
    host: string;
    port?: number;
    preference?: number;
    reason: string;
  };
  /** The DNS server answered a query. `from` is the lab host that asked, when known. */
  'dns.answered': {
    name: string;
    type: string;
    /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP. */
    rcode: string;
    /** Presentation form, e.g. "10 mx1.example.com", "127.0.0.1", "\"v=spf1 -all\"". */
    answers: string[];
    transport: 'udp' | 'tcp';
    remoteAddress: string;
    remotePort: number;
    /** Why the lab asked (e.g. "MX for example.com"), when it was the lab. */
    purpose?: string;
    /** The UDP answer was cut (TC=1); the client asks again over TCP. */
    truncated?: boolean;
  };
  /** An IMAP command at a store (sampled: a 10,000 message sync does not flood the diagram). */
  'imap.command': { sessionId: string; tag: string; command: string; args: string; user?: string; status?: string };
  /** A client read messages from a mailbox (one summary per FETCH / RETR / TOP command). */
  'mailbox.fetched': {
    sessionId: string;
    protocol: Protocol;
    user: string;
    folder: string;
    messages: number;
    sizeBytes: number;
  };
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
  'dsn.generated': {
    queueId: string;
    dsnQueueId: string;
    recipients: string[];
    action: 'failed' | 'delayed' | 'delivered';
  };
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
  'fault.injected': { faultId: string; target: string; effect: string; kind?: string };
  'fault.cleared': { faultId: string; target?: string; kind?: string };
  /** A fault switch changed what really happened (a refused connection, a forced reply). */
  'fault.applied': { faultId: string; target: string; kind: string; effect: string };
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
