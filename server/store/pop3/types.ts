import type { Tracer } from '../../core/tracer.js';
import type { MessageStore } from '../message-store.js';

export interface Pop3ServerOptions {
  /** Shown in the greeting and the QUIT reply. */
  hostname: string;
  /** Trace node id: the store host's name. */
  node: string;
  tracer: Tracer;
  store: MessageStore;
  /**
   * Check a login; resolve the mailbox address, or undefined for a wrong password.
   * Injected (the world binds it to the directory); a throw means "cannot check now".
   */
  authenticate(login: string, password: string, remoteAddress: string): Promise<string | undefined>;
  /** STLS is offered while the connection is in the clear. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** May USER/PASS and AUTH PLAIN be used before STLS on this connection? */
  allowInsecureAuth(remoteAddress: string): boolean;
  /** RFC 1939 3: at least 10 minutes. Real time, not world time. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Wrong passwords allowed per connection; the last one also closes it. Default 3. */
  maxFailedLogins?: number;
  /** May a peer use XCLIENT to name itself as a proxy (see xclient.ts)? Default: loopback only. */
  trustXclient?(remoteAddress: string): boolean;
}

/** RFC 1939 3. UPDATE is entered only by QUIT from TRANSACTION and ends the session. */
export type Pop3State = 'authorization' | 'transaction' | 'update';

export type CloseReason = 'quit' | 'timeout' | 'error' | 'shutdown' | 'client';

/** Which login path a session used, as the trace names it. */
export type LoginMechanism = 'USER' | 'PLAIN';
