import type { Maildrop } from '../maildrop.js';
import type { MaildropLocks } from '../maildrop-locks.js';
import type { Pop3SessionInfo } from '../session-info.js';
import type { Pop3Trace } from '../trace.js';
import type { CloseReason, Pop3ServerOptions, Pop3State } from '../types.js';

export type Verb =
  | 'CAPA'
  | 'USER'
  | 'PASS'
  | 'AUTH'
  | 'STLS'
  | 'STAT'
  | 'LIST'
  | 'UIDL'
  | 'RETR'
  | 'TOP'
  | 'DELE'
  | 'RSET'
  | 'NOOP'
  | 'QUIT'
  | 'XCLIENT';

/** A line the client sends in answer to a "+ " challenge (SASL), not a command. */
export interface Continuation {
  handle(line: string): void | Promise<void>;
}

/** What a command may do to its session. Implemented by the connection (session.ts). */
export interface CommandContext {
  readonly options: Pop3ServerOptions;
  readonly session: Pop3SessionInfo;
  readonly trace: Pop3Trace;
  readonly locks: MaildropLocks;
  state: Pop3State;
  /** Set on entering TRANSACTION. */
  maildrop?: Maildrop;
  /** The connection is going away (QUIT, server shutdown, client gone). */
  readonly closing: boolean;
  ok(text?: string): void;
  err(text: string): void;
  /** "+OK text" followed by an already stuffed and terminated multi-line body. */
  okMultiline(text: string, body: Buffer): void;
  /** Send "+ challenge"; the next input line goes to `next`. */
  challenge(text: string, next: Continuation): void;
  /** May USER/PASS and AUTH PLAIN be used now (TLS up, or the listener allows it)? */
  plaintextAllowed(): boolean;
  /** Wrap the connection in TLS right after the +OK. */
  startTls(): void;
  close(reason: CloseReason): void;
}

export interface CommandHandler {
  /** States in which the command is allowed; elsewhere the session answers -ERR. */
  readonly states: readonly Pop3State[];
  /** `args` is everything after the first space, untrimmed (a password may hold spaces). */
  run(ctx: CommandContext, args: string): void | Promise<void>;
}

export const AUTHORIZATION: readonly Pop3State[] = ['authorization'];
export const TRANSACTION: readonly Pop3State[] = ['transaction'];
export const ANY_STATE: readonly Pop3State[] = ['authorization', 'transaction'];
