import type { MessageStore } from '../../message-store.js';
import type { MailboxView } from '../mailbox-view.js';
import type { ImapCommand } from '../syntax/types.js';
import type { ResponseValue } from '../syntax/response-writer.js';
import type { ImapTrace } from '../trace.js';
import type { CloseReason, ImapServerOptions, ImapState } from '../types.js';

/** What a command may do to its session. Implemented by the connection (session.ts). */
export interface CommandContext {
  readonly options: ImapServerOptions;
  readonly store: MessageStore;
  readonly trace: ImapTrace;
  readonly remoteAddress: string;
  readonly secure: boolean;
  state: ImapState;
  /** The mailbox address, once authenticated. */
  address?: string;
  /** The selected mailbox, in the selected state. */
  view?: MailboxView;
  /** RFC 6855 UTF8=ACCEPT is on: mailbox names travel as UTF-8, not modified UTF-7. */
  readonly utf8: boolean;
  /** RFC 7162 CONDSTORE is on: untagged FETCH responses about flags carry MODSEQ. */
  readonly condstore: boolean;
  /** Turns an extension on for the rest of the session; false when it already was. */
  enable(extension: 'CONDSTORE' | 'UTF8=ACCEPT'): boolean;
  /** Capability names for CAPABILITY and the greeting, for the current state. */
  capabilities(): string[];
  /** May LOGIN / AUTHENTICATE PLAIN be used now (TLS up, or the listener allows it)? */
  plaintextAllowed(): boolean;
  /** Raw bytes, already formatted (FETCH responses, literals). */
  send(data: Buffer | string): void;
  untagged(name: string, values?: readonly ResponseValue[]): void;
  /** Waits until the client has read what we wrote (large FETCH answers). */
  drain(): Promise<void>;
  /** Sends `+ text` and resolves with the next raw line; undefined when the connection closes. */
  readLine(prompt: string): Promise<string | undefined>;
  /** While true, store changes to the selected mailbox are pushed at once (IDLE). */
  setIdling(on: boolean): void;
  /** Right after the tagged OK has been written: wrap the connection in TLS. */
  startTlsAfterReply(): void;
  close(reason: CloseReason): void;
}

/** How a command ended when it did not throw: OK with this text and optional response code. */
export interface CommandResult {
  text?: string;
  code?: string;
  /** Runs once the tagged OK is written: the trace reports facts after the client has them. */
  after?: () => void;
}

export interface CommandHandler {
  /** States in which the command is allowed; elsewhere the session answers BAD. */
  readonly states: readonly ImapState[];
  /** Accepts the `UID` prefix (COPY, FETCH, MOVE, SEARCH, STORE, EXPUNGE). */
  readonly uid?: boolean;
  /** May pending EXPUNGEs be sent at its end? Not for FETCH, STORE, SEARCH (§7.4.1). */
  readonly noExpungeAfter?: boolean;
  run(ctx: CommandContext, cmd: ImapCommand): void | CommandResult | Promise<void | CommandResult>;
}

export const ANY: readonly ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly ImapState[] = ['not-authenticated'];
export const AUTHENTICATED: readonly ImapState[] = ['authenticated', 'selected'];
export const SELECTED: readonly ImapState[] = ['selected'];
