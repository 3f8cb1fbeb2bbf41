import type { SmtpServerOptions } from '../types.js';
import type { SessionInfo, SessionState } from '../session-info.js';
import type { MessageBody } from '../message-body.js';
import type { DataPush } from '../data-reader.js';
import type { SessionTrace } from '../session-trace.js';

export type Verb =
  | 'EHLO'
  | 'HELO'
  | 'LHLO'
  | 'MAIL'
  | 'RCPT'
  | 'DATA'
  | 'BDAT'
  | 'RSET'
  | 'NOOP'
  | 'QUIT'
  | 'VRFY'
  | 'HELP'
  | 'STARTTLS'
  | 'AUTH';

export type CloseReason = 'quit' | 'timeout' | 'error' | 'shutdown' | 'client';

/** A line the client sends in answer to a 334 challenge (SASL), not a command. */
export interface Continuation {
  handle(line: string): void | Promise<void>;
}

/** What a command may do to its session. Implemented by the session (session.ts). */
export interface CommandContext {
  readonly session: SessionInfo;
  readonly options: SmtpServerOptions;
  readonly trace: SessionTrace;
  state: SessionState;
  /** Some RCPT was tried in this transaction (tells 554 "no valid recipients" from 503). */
  rcptAttempted: boolean;
  reply(code: number, enhanced: string | undefined, text: string | string[]): void;
  /** Forget MAIL and RCPT (not EHLO, TLS or AUTH). */
  resetTransaction(): void;
  /** The BDAT chunks of this transaction so far; undefined until its first BDAT. */
  chunks?: MessageBody;
  /**
   * Give the input that follows to `reader` (a DATA body up to its final dot, or one
   * BDAT chunk) until it is done; then `onComplete` runs and commands are read again.
   */
  readBody(reader: BodyReader, onComplete: () => Promise<void>): void;
  /** The next input line goes to `next` instead of the command dispatcher. */
  expectLine(next: Continuation): void;
  /** Wrap the connection in TLS right after the 220 reply. */
  startTls(): void;
  close(reason: CloseReason): void;
}

/** Takes message bytes off the input until it has what it wanted. */
export interface BodyReader {
  push(chunk: Buffer): DataPush;
}

export interface CommandHandler {
  /** States in which the command is allowed; elsewhere the reply is 503 `outOfOrder(state)`. */
  readonly states: readonly SessionState[];
  readonly outOfOrder?: (state: SessionState, lmtp: boolean) => string;
  /** Listener modes that know the command at all; elsewhere it is "unrecognized". */
  readonly modes?: ReadonlyArray<'smtp' | 'lmtp'>;
  /**
   * The listener's beforeCommand hook (the fault switches) is not consulted: for BDAT,
   * whose octets follow the command line and must be read whatever the answer.
   */
  readonly skipsBeforeCommand?: boolean;
  /** Arguments as they may appear in the trace (AUTH hides credentials). */
  readonly traceArgs?: (args: string) => string;
  run(ctx: CommandContext, args: string): void | Promise<void>;
}

export const ANY_STATE: readonly SessionState[] = ['greeted', 'ready', 'mail'];

/** The usual 503 text for a command sent before EHLO/HELO/LHLO. */
export function sayHelloFirst(lmtp: boolean): string {
  return lmtp ? 'Error: send LHLO first' : 'Error: send HELO/EHLO first';
}
