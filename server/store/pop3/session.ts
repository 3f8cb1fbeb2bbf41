import { ReplyCork } from '../../core/reply-cork.js';
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { MailError } from '../../core/mail-error.js';
import { LineReader } from '../../mta/smtp/line-reader.js';
import { findCommand } from './commands/index.js';
import type { CommandContext, Continuation } from './commands/types.js';
import { errText, isClientMistake } from './errors.js';
import type { Maildrop } from './maildrop.js';
import type { MaildropLocks } from './maildrop-locks.js';
import type { Pop3SessionInfo } from './session-info.js';
import type { Pop3Trace } from './trace.js';
import type { CloseReason, Pop3ServerOptions, Pop3State } from './types.js';

/** Unprocessed input we hold while a command awaits before we stop reading from the socket. */
const MAX_PENDING_INPUT_BYTES = 64 * 1024;
/** RFC 2449 4 allows 255 octets per argument; 1024 leaves room for AUTH PLAIN responses. */
const MAX_COMMAND_LINE_BYTES = 1024;
/** Malformed, unknown or out-of-state commands a session may send before we hang up. */
const MAX_PROTOCOL_ERRORS = 10;
const CLOSE_GRACE_MS = 1000;
/** RFC 1939 3: the autologout timer must be at least 10 minutes. */
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);
const EMPTY = Buffer.alloc(0);

export interface Pop3SessionDeps {
  options: Pop3ServerOptions;
  info: Pop3SessionInfo;
  trace: Pop3Trace;
  locks: MaildropLocks;
  tlsContext?: SecureContext;
  onClosed(connection: Pop3Connection): void;
}

/**
 * One POP3 client connection: input pump, reply writer, lifecycle. Commands run
 * strictly in order (RFC 2449 PIPELINING); while one awaits the directory, later
 * input waits in `pending`. Replies to a pipelined batch are corked into few writes.
 */
export class Pop3Connection implements CommandContext {
  state: Pop3State = 'authorization';
  maildrop?: Maildrop;
  readonly session: Pop3SessionInfo;
  readonly options: Pop3ServerOptions;
  readonly trace: Pop3Trace;
  readonly locks: MaildropLocks;
  private socket: Socket;
  private readonly rawSocket: Socket;
  private pending: Buffer = EMPTY;
  private readonly lineReader = new LineReader(MAX_COMMAND_LINE_BYTES);
  private continuation?: Continuation;
  private pumping = false;
  private inputPaused = false;
  private isClosing = false;
  private finished = false;
  private closeReason?: CloseReason;
  private protocolErrors = 0;
  private readonly replies = new ReplyCork();
  private destroyTimer?: NodeJS.Timeout;
  private readonly idleTimeoutMs: number;

  constructor(
    socket: Socket,
    private readonly deps: Pop3SessionDeps,
  ) {
    this.session = deps.info;
    this.options = deps.options;
    this.trace = deps.trace;
    this.locks = deps.locks;
    this.idleTimeoutMs = deps.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.rawSocket = socket;
    this.socket = socket;
    this.attach(socket);
  }

  get closing(): boolean {
    return this.isClosing;
  }

  start(): void {
    const { session } = this;
    this.trace.opened(session.remoteAddress, session.remotePort, session.localPort);
    this.ok(`${this.options.hostname} POP3 Mailscope ready`);
  }

  /**
   * Server shutdown: hang up without UPDATE, so DELE marks are dropped (RFC 1939 6).
   * No unsolicited -ERR: a pipelining client would take it for the reply to a command.
   */
  shutdown(): void {
    this.close('shutdown');
  }

  destroy(): void {
    this.socket.destroy();
    this.rawSocket.destroy();
  }

  // --- CommandContext ---------------------------------------------------------------

  ok(text?: string): void {
    this.writeLine(text ? `+OK ${text}` : '+OK');
  }

  err(text: string): void {
    this.writeLine(`-ERR ${text}`);
  }

  okMultiline(text: string, body: Buffer): void {
    if (!this.writable()) return;
    this.socket.write(`+OK ${text}\r\n`);
    this.socket.write(body);
  }

  challenge(text: string, next: Continuation): void {
    this.writeLine(`+ ${text}`);
    this.continuation = next;
  }

  plaintextAllowed(): boolean {
    return this.session.secure || this.options.allowInsecureAuth(this.session.remoteAddress);
  }

  startTls(): void {
    const raw = this.socket;
    this.uncork();
    // RFC 2595 4: what the client pipelined after STLS came in the clear and must
    // not run inside the TLS session.
    this.pending = EMPTY;
    this.lineReader.reset();
    raw.off('data', this.onInput);
    raw.off('timeout', this.onIdle);
    raw.setTimeout(0);
    if (this.inputPaused) raw.resume();
    this.inputPaused = false;
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.deps.tlsContext });
    secure.once('secure', () => this.onSecure(secure));
    this.attach(secure);
  }

  close(reason: CloseReason): void {
    if (this.isClosing) return;
    this.isClosing = true;
    this.closeReason ??= reason;
    this.continuation = undefined;
    // Done now, not when the socket is gone: a client that got +OK to QUIT may
    // reconnect at once and must find its maildrop free and its messages \Seen.
    this.leaveMaildrop();
    this.uncork();
    this.socket.end();
    this.destroyTimer = setTimeout(() => this.destroy(), CLOSE_GRACE_MS);
    this.destroyTimer.unref();
  }

  // --- input ------------------------------------------------------------------------

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onInput);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    socket.on('timeout', this.onIdle);
    socket.setTimeout(this.idleTimeoutMs);
  }

  private readonly onInput = (chunk: Buffer): void => {
    if (this.isClosing) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.pending.length > MAX_PENDING_INPUT_BYTES && !this.inputPaused) {
      this.inputPaused = true;
      this.socket.pause();
    }
    void this.pump();
  };

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    this.cork();
    try {
      while (!this.isClosing && this.pending.length > 0) {
        if (!(await this.feedLine())) break;
        await this.waitForClientToRead();
      }
    } catch {
      // Commands turn their failures into replies; reaching here is a bug: end cleanly.
      this.err('[SYS/TEMP] Internal error');
      this.close('error');
    } finally {
      this.pumping = false;
      this.uncork();
      if (this.inputPaused && this.pending.length <= MAX_PENDING_INPUT_BYTES && !this.isClosing) {
        this.inputPaused = false;
        this.socket.resume();
      }
    }
  }

  /** Takes one line if there is one; false when more input is needed. */
  private async feedLine(): Promise<boolean> {
    const { event, consumed } = this.lineReader.take(this.pending);
    this.pending = consumed >= this.pending.length ? EMPTY : this.pending.subarray(consumed);
    if (event.kind === 'none') return consumed > 0;
    if (event.kind === 'too-long') {
      this.continuation = undefined;
      this.protocolError('Line too long');
    } else await this.handleLine(event.line);
    return true;
  }

  private async handleLine(line: Buffer): Promise<void> {
    if (!isUtf8(line)) return this.protocolError('Invalid characters in command');
    const text = line.toString('utf8');
    const next = this.continuation;
    this.continuation = undefined;
    if (next) return this.run(() => next.handle(text));
    const space = text.indexOf(' ');
    const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
    const args = space < 0 ? '' : text.slice(space + 1);
    const handler = findCommand(verb);
    if (!handler) return this.protocolError(verb === '' ? 'Empty command' : 'Unknown command');
    if (!handler.states.includes(this.state)) {
      return this.protocolError(this.state === 'authorization' ? 'Log in first' : 'Not allowed after login');
    }
    await this.run(() => handler.run(this, args));
  }

  /** Runs a command; a thrown MailError becomes its -ERR (client mistakes count as errors). */
  private async run(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const e = MailError.from(err, 'pop3');
      if (isClientMistake(e)) this.protocolError(e.publicText);
      else this.err(errText(e));
    }
  }

  /** A reply to a client mistake; enough of them end the session. */
  private protocolError(text: string): void {
    if (++this.protocolErrors < MAX_PROTOCOL_ERRORS) return this.err(text);
    this.err(`${text}; too many errors, closing connection`);
    this.close('error');
  }

  // --- socket events and helpers ----------------------------------------------------

  private onSecure(secure: TLSSocket): void {
    this.session.secure = true;
    this.trace.tlsStarted(secure.getCipher()?.name);
  }

  /** RFC 1939 3: on autologout the server closes without a reply and without UPDATE. */
  private readonly onIdle = (): void => {
    if (this.isClosing) return;
    // Waiting on our own hooks (the directory) is not the client's idleness.
    if (this.pumping && !this.replies.awaitingDrain) return void this.socket.setTimeout(this.idleTimeoutMs);
    this.close('timeout');
  };

  private readonly onSocketError = (err: NodeJS.ErrnoException): void => {
    this.closeReason ??= err.code && CLIENT_GONE.has(err.code) ? 'client' : 'error';
    this.destroy();
  };

  private readonly onSocketClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    this.isClosing = true;
    this.continuation = undefined;
    this.leaveMaildrop();
    if (this.destroyTimer) clearTimeout(this.destroyTimer);
    this.destroy();
    this.trace.closed(this.closeReason ?? 'client');
    this.deps.onClosed(this);
  };

  /** Writes the \Seen flags of what was read (even without QUIT) and frees the lock. */
  private leaveMaildrop(): void {
    const maildrop = this.maildrop;
    if (!maildrop) return;
    this.maildrop = undefined;
    try {
      maildrop.flushSeen();
    } catch {
      // The store may be closing with the world; a lost \Seen flag is not worth a crash.
    }
    this.locks.release(maildrop.address, this.session.id);
  }

  private writable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  private writeLine(line: string): void {
    if (this.writable()) this.socket.write(`${line}\r\n`);
  }

  /** A client that pipelines without reading our replies must not make us buffer them without end. */
  private waitForClientToRead(): Promise<void> {
    return this.replies.waitForClientToRead(this.socket);
  }

  private cork(): void {
    this.replies.cork(this.socket);
  }

  private uncork(): void {
    this.replies.uncork();
  }
}
