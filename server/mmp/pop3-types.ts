import type { Tracer } from '../core/tracer.js';

/** The account a login names, as the directory knows it. */
export interface MmpAccount {
  mail: string;
  /** The store host that holds the mailbox (the directory's `mailHost`). */
  mailHost: string;
}

/** Where a store host's POP3 back end listens. */
export interface BackendAddress {
  host: string;
  port: number;
}

export interface MmpPop3Options {
  /** Shown in the greeting. */
  hostname: string;
  /** Trace node id, e.g. mmp.siroe.example. */
  node: string;
  tracer: Tracer;
  /**
   * Check a login against the directory: the user's mail address and mailHost, or
   * undefined for a wrong password. Injected; a throw means "cannot check now".
   */
  authenticate(login: string, password: string, remoteAddress: string): Promise<MmpAccount | undefined>;
  /** Where a store host's POP3 back end listens, or undefined when it has none. */
  backend(mailHost: string): BackendAddress | undefined;
  /** STLS is offered while the client connection is in the clear. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Plaintext USER/PASS and AUTH PLAIN before STLS only from these addresses (loopback, as Dovecot does). */
  allowInsecureAuth(remoteAddress: string): boolean;
  /** Back end connect + greeting + login, in real time. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * Base delay after a failed login from an address; doubles with each further
   * failure (capped at 8 s), reset by a success. Real time. Default 500 ms.
   */
  failureDelayMs?: number;
  /** A client that says nothing before logging in is dropped after this long. Real time. Default 60 s. */
  idleTimeoutMs?: number;
  /** Wrong passwords allowed per connection; the last one also closes it. Default 3. */
  maxFailedLogins?: number;
}

/** Why a client connection ended, as `session.closed` reports it. */
export type MmpCloseReason = 'quit' | 'timeout' | 'error' | 'shutdown' | 'client' | 'backend';

/** Which login path a client used, as the trace names it. */
export type MmpLoginMechanism = 'USER' | 'PLAIN';
