import type { Tracer } from '../core/tracer.js';
import type { BackendAddress, MmpAccount } from './pop3-types.js';

export type { BackendAddress, MmpAccount } from './pop3-types.js';

/** The IMAP twin of MmpPop3Options; see there for the meaning of each field. */
export interface MmpImapOptions {
  /** Shown in the greeting. */
  hostname: string;
  /** Trace node id, e.g. mmp.siroe.example. */
  node: string;
  tracer: Tracer;
  /** The directory check: mail + mailHost, or undefined for a wrong password; a throw means "cannot check now". */
  authenticate(login: string, password: string, remoteAddress: string): Promise<MmpAccount | undefined>;
  /** Where a store host's IMAP back end listens, or undefined when it has none. */
  backend(mailHost: string): BackendAddress | undefined;
  /** STARTTLS is offered while the client connection is in the clear. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Plaintext LOGIN / AUTHENTICATE PLAIN before STARTTLS only from these addresses. */
  allowInsecureAuth(remoteAddress: string): boolean;
  /** Back end connect + greeting + LOGIN, in real time. Default 5 s. */
  connectTimeoutMs?: number;
  /** Base of the doubling delay after a failed login from an address. Real time. Default 500 ms. */
  failureDelayMs?: number;
  /** A client that says nothing before logging in is dropped after this long. Real time. Default 60 s. */
  idleTimeoutMs?: number;
  /** Wrong passwords allowed per connection; the last one also closes it. Default 3. */
  maxFailedLogins?: number;
}

export type MmpImapLoginMechanism = 'LOGIN' | 'PLAIN';

/** Why a client connection ended, as `session.closed` reports it. */
export type MmpImapCloseReason = 'logout' | 'timeout' | 'error' | 'shutdown' | 'client' | 'backend';
