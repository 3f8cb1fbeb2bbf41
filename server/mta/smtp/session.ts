import { ReplyCork } from '../../core/reply-cork.js';
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { MailError } from '../../core/mail-error.js';
import { findCommand, traceArgsOf } from './commands/index.js';
import type { MessageBody } from './message-body.js';
import type { BodyReader, CloseReason, CommandContext, Continuation } from './commands/types.js';
import { GreetingDelay, lookupWithCap } from './greeting.js';
import { LineReader } from './line-reader.js';
import { formatReply } from './reply.js';
import { isCancel } from './sasl.js';
import type { SessionInfo, SessionState } from './session-info.js';
import type { SessionTrace } from './session-trace.js';
import type { SmtpServerOptions } from './types.js';

/** Unprocessed input we hold while a hook runs before we stop reading from the socket. */
const MAX_PENDING_INPUT_BYTES = 64 * 1024;
const MAX_COMMAND_LINE_BYTES = 4096;
const MAX_ERRORS = 10;
const CLOSE_GRACE_MS = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60 * 1000;
/** Replies that mean "the client got the protocol wrong"; enough of them end the session. */
const COUNTED_AS_ERROR = new Set([500, 501, 502, 503, 504, 535, 538, 555]);
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);
const EMPTY = Buffer.alloc(0);

export interface SessionDeps {
  options: SmtpServerOptions;
  info: SessionInfo;
  trace: SessionTrace;
  tlsContext?: SecureContext;
  onClosed(connection: SmtpConnection): void;
}

/**
 * One client connection: input pump, reply writer, lifecycle. Commands run strictly
 * in order; while one awaits a hook, later input waits in `pending`. Replies to a
 * pipelined batch are corked into one socket write, flushed when the pump runs dry.
 */
export class SmtpConnection implements CommandContext {
  state: SessionState = 'greeted';
  rcptAttempted = false;
  chunks?: MessageBody;
  readonly session: SessionInfo;
  readonly options: SmtpServerOptions;
  readonly trace: SessionTrace;
  private socket: Socket;
  private readonly rawSocket: Socket;
  private pending: Buffer = EMPTY;
  private readonly lineReader = new LineReader(MAX_COMMAND_LINE_BYTES);
  private bodyReader?: BodyReader;
  private onBodyComplete?: () => Promise<void>;
  private continuation?: Continuation;
  private pumping = false;
  private inputPaused = false;
  private greeted = false;
  private closing = false;
  private shuttingDown = false;
  private finished = false;
  private closeReason?: CloseReason;
  private errorCount = 0;
  private readonly replies = new ReplyCork();
  private destroyTimer?: NodeJS.Timeout;
  private readonly greetingDelay = new GreetingDelay();
  private readonly idleTimeoutMs: number;

  constructor(
    socket: Socket,
    private readonly deps: SessionDeps,
  ) {
    this.session = deps.info;
    this.options = deps.options;
    this.trace = deps.trace;
    this.idleTimeoutMs = deps.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.rawSocket = socket;
    this.socket = socket;
    this.attach(socket);
  }

  /** Reverse lookup, onConnect, greeting delay, then the 220 greeting. */
  async start(): Promise<void> {
    const { options, session } = this;
    this.trace.opened(session.remoteAddress, session.remotePort, session.localPort);
    try {
      if (options.reverseLookup)
        session.reverseName = await lookupWithCap(options.reverseLookup, session.remoteAddress);
      if (this.closing) return;
      await options.hooks.onConnect?.(session);
    } catch (err) {
      const e = MailError.from(err, 'smtp');
      this.reply(e.code, e.enhanced, e.publicText);
      return this.close('error');
    }
    if (options.greetingDelayMs > 0) await this.greetingDelay.wait(options.greetingDelayMs);
    if (this.closing) return;
    this.greeted = true;
    this.reply(220, undefined, `${options.hostname} ${session.lmtp ? 'LMTP' : 'ESMTP'} Mailscope`);
    if (this.pending.length > 0) void this.pump();
  }

  /**
   * Server shutdown: say so, then close. A command in progress (a message being
   * committed after DATA) first gets its own reply: a client told 421 would send
   * again a message that was in fact accepted.
   */
  shutdown(): void {
    if (this.closing) return;
    this.shuttingDown = true;
    if (!this.pumping) this.sayShutdown();
  }

  private sayShutdown(): void {
    if (this.closing) return;
    this.reply(421, '4.3.2', 'Service shutting down');
    this.close('shutdown');
  }

  destroy(): void {
    this.socket.destroy();
    this.rawSocket.destroy();
  }

  // --- CommandContext ---------------------------------------------------------------

  reply(code: number, enhanced: string | undefined, text: string | string[]): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    const lines = Array.isArray(text) ? text : [text];
    socket.write(formatReply({ code, enhanced, lines }));
    this.trace.reply(code, enhanced, lines[0] ?? '');
    if (COUNTED_AS_ERROR.has(code) && ++this.errorCount >= MAX_ERRORS && !this.closing) {
      socket.write(formatReply({ code: 421, enhanced: '4.7.0', lines: ['Too many errors'] }));
      this.trace.reply(421, '4.7.0', 'Too many errors');
      this.close('error');
    }
  }

  resetTransaction(): void {
    this.session.envelope = { rcptTo: [] };
    this.rcptAttempted = false;
    this.chunks = undefined;
    if (this.state === 'mail') this.state = 'ready';
  }

  readBody(reader: BodyReader, onComplete: () => Promise<void>): void {
    this.bodyReader = reader;
    this.onBodyComplete = onComplete;
  }

  expectLine(next: Continuation): void {
    this.continuation = next;
  }

  startTls(): void {
    const raw = this.socket;
    this.uncork();
    // RFC 3207 5: whatever the client pipelined after STARTTLS was sent in the clear
    // and must not be executed inside the TLS session.
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
    if (this.closing) return;
    this.closing = true;
    this.closeReason ??= reason;
    this.continuation = undefined;
    this.bodyReader = undefined;
    this.greetingDelay.cancel();
    this.uncork();
    if (reason === 'quit' && this.socket === this.rawSocket && this.socket.writableLength === 0 && !this.inputPaused) {
      // After QUIT the client sends nothing more, and the 221 has left: close at once,
      // as Postfix does, without a half-close that waits for the client's own FIN.
      // (Not while input is paused: bytes left unread in the kernel make a close a reset.)
      this.destroy();
      return;
    }
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
    if (this.closing) return;
    if (!this.greeted && this.options.greetingDelayMs > 0) {
      this.reply(554, '5.5.0', 'Protocol error: talked before the greeting');
      return this.close('error');
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.pending.length > MAX_PENDING_INPUT_BYTES && !this.inputPaused) {
      this.inputPaused = true;
      this.socket.pause();
    }
    if (this.greeted) void this.pump();
  };

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    this.cork();
    try {
      while (!this.closing && !this.shuttingDown && this.pending.length > 0) {
        if (this.bodyReader) await this.feedBody();
        else if (!(await this.feedCommand())) break;
        await this.waitForClientToRead();
      }
    } catch {
      // Handlers turn their failures into replies; reaching here is a bug: end cleanly.
      this.reply(421, '4.3.0', `${this.options.hostname} Error: internal error`);
      this.close('error');
    } finally {
      this.pumping = false;
      if (this.shuttingDown) this.sayShutdown();
      this.uncork();
      if (this.inputPaused && this.pending.length <= MAX_PENDING_INPUT_BYTES && !this.closing) {
        this.inputPaused = false;
        this.socket.resume();
      }
    }
  }

  /** Takes one line if there is one; false when more input is needed. */
  private async feedCommand(): Promise<boolean> {
    const { event, consumed } = this.lineReader.take(this.pending);
    this.pending = consumed >= this.pending.length ? EMPTY : this.pending.subarray(consumed);
    if (event.kind === 'none') return consumed > 0;
    if (event.kind === 'too-long') this.reply(500, '5.5.2', 'Line too long');
    else await this.handleLine(event.line);
    return true;
  }

  private async feedBody(): Promise<void> {
    const { consumed, done } = this.bodyReader!.push(this.pending);
    this.pending = consumed >= this.pending.length ? EMPTY : this.pending.subarray(consumed);
    if (!done) return;
    const complete = this.onBodyComplete!;
    this.bodyReader = undefined;
    this.onBodyComplete = undefined;
    await complete();
  }

  private async handleLine(line: Buffer): Promise<void> {
    if (!isUtf8(line)) return this.reply(500, '5.5.2', 'Error: invalid characters in command');
    const text = line.toString('utf8');
    const next = this.continuation;
    this.continuation = undefined;
    if (next) {
      this.trace.command('', isCancel(text) ? '*' : '***');
      return this.run(() => next.handle(text));
    }
    const space = text.indexOf(' ');
    const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
    const args = space < 0 ? '' : text.slice(space + 1).trim();
    this.trace.command(verb, traceArgsOf(verb, args));
    const handler = findCommand(verb, this.session.lmtp ? 'lmtp' : 'smtp');
    if (!handler)
      return this.reply(
        500,
        verb === '' ? '5.5.2' : '5.5.1',
        verb === '' ? 'Error: bad syntax' : 'Command unrecognized',
      );
    if (!handler.states.includes(this.state)) {
      return this.reply(
        503,
        '5.5.1',
        handler.outOfOrder?.(this.state, this.session.lmtp) ?? 'Error: bad sequence of commands',
      );
    }
    const before = handler.skipsBeforeCommand ? undefined : this.options.hooks.beforeCommand;
    if (!before) return this.run(() => handler.run(this, args));
    return this.run(() => {
      const waiting = before(this.session, verb);
      return waiting ? waiting.then(() => handler.run(this, args)) : handler.run(this, args);
    });
  }

  /** Runs a handler; a thrown MailError (or anything else, as 451) becomes the reply. */
  private async run(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const e = MailError.from(err, 'smtp');
      this.reply(e.code, e.enhanced, e.publicText);
    }
  }

  // --- socket events and helpers ----------------------------------------------------

  private onSecure(secure: TLSSocket): void {
    // RFC 3207 4.2: forget everything learnt in the clear; the client must EHLO again.
    this.resetTransaction();
    this.state = 'greeted';
    this.session.secure = true;
    this.session.clientHostname = undefined;
    this.session.extended = false;
    this.session.user = undefined;
    this.session.updateTransmissionType();
    this.trace.tlsStarted(secure.getCipher()?.name);
  }

  private readonly onIdle = (): void => {
    if (this.closing) return;
    // Waiting on our own hooks or greeting is not the client's idleness: look again later.
    const waitingOnUs = (this.pumping && !this.replies.awaitingDrain) || !this.greeted;
    if (waitingOnUs) return void this.socket.setTimeout(this.idleTimeoutMs);
    this.reply(421, '4.4.2', `${this.options.hostname} Error: timeout exceeded`);
    this.close('timeout');
  };

  private readonly onSocketError = (err: NodeJS.ErrnoException): void => {
    this.closeReason ??= err.code && CLIENT_GONE.has(err.code) ? 'client' : 'error';
    this.destroy();
  };

  private readonly onSocketClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    this.closing = true;
    this.greetingDelay.cancel();
    if (this.destroyTimer) clearTimeout(this.destroyTimer);
    this.destroy();
    this.trace.closed(this.closeReason ?? 'client');
    this.deps.onClosed(this);
  };

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
