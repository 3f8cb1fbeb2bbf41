import type { FailureDelay } from '../failure-delay.js';
import type { MmpPop3SessionInfo } from '../pop3-session-info.js';
import type { MmpPop3Trace } from '../pop3-trace.js';
import type { MmpCloseReason, MmpPop3Options } from '../pop3-types.js';
import type { Socket } from 'node:net';

/** The commands the MMP answers itself: everything before login. After it, bytes are relayed. */
export type MmpVerb = 'CAPA' | 'USER' | 'PASS' | 'AUTH' | 'STLS' | 'NOOP' | 'QUIT';

/** A line the client sends in answer to a "+ " challenge (SASL), not a command. */
export interface MmpContinuation {
  handle(line: string): void | Promise<void>;
}

/** A back-end session that said +OK to the login, ready to relay. */
export interface LoggedInBackend {
  socket: Socket;
  /** The back end's +OK line, passed on to the client. */
  reply: string;
  /** Back-end bytes already read after that line. */
  leftover: Buffer;
}

/** What a pre-login command may do to its connection. Implemented by MmpPop3Connection. */
export interface MmpCommandContext {
  readonly options: MmpPop3Options;
  readonly session: MmpPop3SessionInfo;
  readonly trace: MmpPop3Trace;
  /** Failed-login delays of the whole proxy, per remote address. */
  readonly failures: FailureDelay;
  /** Aborted when the connection goes away: ends waits and back-end logins early. */
  readonly signal: AbortSignal;
  readonly closing: boolean;
  ok(text?: string): void;
  err(text: string): void;
  /** A client mistake: "-ERR text", and enough of them end the connection. */
  protocolError(text: string): void;
  /** A status line passed on as it is (a back end's -ERR). */
  writeStatusLine(line: string): void;
  /** "+OK text" and then these lines as a multi-line body. */
  okLines(text: string, lines: readonly string[]): void;
  /** Send "+ challenge"; the next input line goes to `next`. */
  challenge(text: string, next: MmpContinuation): void;
  /** May USER/PASS and AUTH PLAIN be used now (TLS up, or this client address allows it)? */
  plaintextAllowed(): boolean;
  /** Wrap the client connection in TLS right after the +OK. */
  startTls(): void;
  /** Send the back end's +OK to the client and relay bytes from now on. */
  beginRelay(backend: LoggedInBackend): void;
  close(reason: MmpCloseReason): void;
}

export interface MmpCommandHandler {
  /** `args` is everything after the first space, untrimmed (a password may hold spaces). */
  run(ctx: MmpCommandContext, args: string): void | Promise<void>;
}
