import type { Protocol } from '../../api/trace.js';
import type { Tracer } from '../../core/tracer.js';

/**
 * The SMTP/LMTP protocol layer's contract. The layer speaks the protocol and knows
 * nothing of queues, directories or stores: everything it needs from the mail system
 * comes through `SmtpHooks` (principle 1). A hook that refuses throws a MailError;
 * its code, enhanced code and public text become the reply.
 */

export interface SmtpAddress {
  /** The address as given, without angle brackets; "" for the null sender <>. */
  address: string;
  /** ESMTP parameters, upper-cased keys: SIZE, BODY, SMTPUTF8, ENVID, RET, NOTIFY, ORCPT. Value true when given bare. */
  params: Record<string, string | true>;
}

export interface SmtpEnvelope {
  mailFrom?: SmtpAddress;
  rcptTo: SmtpAddress[];
}

export interface SmtpSession {
  readonly id: string;
  readonly protocol: Protocol;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  /** Name the client gave in EHLO/HELO/LHLO. */
  clientHostname?: string;
  /** Verified reverse name of the client address (only when reverse lookup is on). */
  reverseName?: string;
  /** True after STARTTLS. */
  secure: boolean;
  /** Authenticated user (as returned by onAuth). */
  user?: string;
  /** 'ESMTP' | 'ESMTPS' | 'ESMTPA' | 'ESMTPSA' | 'SMTP' | 'LMTP' ... for Received headers (RFC 3848). */
  transmissionType: string;
  envelope: SmtpEnvelope;
}

export interface SmtpCredentials {
  mechanism: 'PLAIN' | 'LOGIN';
  username: string;
  password: string;
}

/** One LMTP reply per accepted recipient, in RCPT order (RFC 2033). */
export interface LmtpRecipientResult {
  code: number;
  enhanced: string;
  text: string;
}

export interface SmtpDataResult {
  /** Appended to "250 2.0.0 Ok: queued as ..." style replies; e.g. the queue id. */
  queueId?: string;
  /** LMTP mode only: one result per accepted recipient, in order. */
  recipients?: LmtpRecipientResult[];
}

export interface SmtpHooks {
  /** Called before the greeting; throw MailError to refuse the connection (reply then close). */
  onConnect?(session: SmtpSession): Promise<void>;
  /**
   * Called for every recognised command in a state that allows it, before it runs
   * (the lab's fault switches use it: a slow host, a forced 421 to RCPT). Throw
   * MailError to answer with it instead of running the command.
   */
  beforeCommand?(session: SmtpSession, verb: string): Promise<void> | void;
  /** Check credentials; return the user name to record. Throw MailError 535 5.7.8 to refuse. */
  onAuth?(session: SmtpSession, credentials: SmtpCredentials): Promise<{ user: string }>;
  onMailFrom?(session: SmtpSession, from: SmtpAddress): Promise<void>;
  onRcptTo?(session: SmtpSession, to: SmtpAddress): Promise<void>;
  /**
   * The whole message (dot-unstuffed, CRLF line ends, exactly as received) after the
   * final ".". The reply is sent only after this resolves: commit to disk first.
   */
  onData(session: SmtpSession, message: Buffer): Promise<SmtpDataResult>;
}

export interface SmtpAuthOptions {
  methods: Array<'PLAIN' | 'LOGIN'>;
  /** MAIL FROM is refused with 530 5.7.0 until the client authenticates. */
  required: boolean;
  /** Whether AUTH may be used on this connection before STARTTLS (e.g. loopback only). */
  allowInsecure(remoteAddress: string): boolean;
}

export interface SmtpServerOptions {
  mode: 'smtp' | 'lmtp';
  /** For trace events: 'smtp', 'submission' or 'lmtp'. */
  protocol: Protocol;
  /** Name in the greeting and EHLO reply. */
  hostname: string;
  /** Trace node id of this listener's host. */
  node: string;
  tracer: Tracer;
  hooks: SmtpHooks;
  /**
   * Pause before the 220 greeting. 0 greets at once. When > 0, a client that sends
   * anything before the greeting is an early talker: 554 5.5.0 and the connection closes.
   */
  greetingDelayMs: number;
  maxMessageSizeBytes: number;
  maxRecipients: number;
  /** AUTH is advertised only when set. */
  auth?: SmtpAuthOptions;
  /** STARTTLS is advertised only when set. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Reverse lookup of the client address; leave unset to skip it. Must use the lab's DNS. */
  reverseLookup?: (ip: string) => Promise<string | undefined>;
  /** Real-time idle timeout for a session (default 5 minutes). */
  idleTimeoutMs?: number;
  /** Emit smtp.command / smtp.reply events (default true). */
  traceCommands?: boolean;
}
