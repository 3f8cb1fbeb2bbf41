import type { Tracer } from '../../core/tracer.js';
import type { MessageStore } from '../message-store.js';

export interface ImapServerOptions {
  /** Shown in the greeting and the BYE. */
  hostname: string;
  /** Trace node id: the store host's name. */
  node: string;
  tracer: Tracer;
  store: MessageStore;
  /** Resolve the mailbox address, or undefined for a wrong password; a throw means "cannot check now". */
  authenticate(login: string, password: string, remoteAddress: string): Promise<string | undefined>;
  /** STARTTLS is offered while the connection is in the clear. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** May LOGIN and AUTHENTICATE PLAIN be used before STARTTLS on this connection? */
  allowInsecureAuth(remoteAddress: string): boolean;
  /** RFC 3501 §5.4: at least 30 minutes. Default 30 minutes. */
  idleTimeoutMs?: number;
  /** Largest literal (APPEND) accepted. Default 50 MiB. */
  maxLiteralBytes?: number;
  /**
   * May a peer name itself as a proxy with ID `x-proxy-node` (the trace then draws
   * store → proxy)? Default: loopback peers only, where the MMP connects from.
   */
  trustProxyId?(remoteAddress: string): boolean;
}

/** RFC 3501 §3. */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export type CloseReason = 'logout' | 'timeout' | 'error' | 'shutdown' | 'client';
