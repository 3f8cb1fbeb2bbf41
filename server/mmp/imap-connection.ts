import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { CommandReader, type ReaderEvent } from '../store/imap/syntax/command-reader.js';
import { ImapSyntaxError, type ImapCommand } from '../store/imap/syntax/types.js';
import type { FailureDelay } from './failure-delay.js';
import { findMmpImapCommand, type MmpImapContext } from './imap-commands.js';
import type { MmpImapTrace } from './imap-trace.js';
import type { MmpImapCloseReason, MmpImapOptions } from './imap-types.js';
import { Relay } from './relay.js';

/** Unanswered input we hold while a login awaits before we stop reading from the socket. */
const MAX_PENDING_INPUT_BYTES = 64 * 1024;
/** Before login nothing legitimate is big: a LOGIN with literals, an AUTHENTICATE response. */
const MAX_LINE_BYTES = 8 * 1024;
const MAX_LITERAL_BYTES = 8 * 1024;
const MAX_PROTOCOL_ERRORS = 10;
const CLOSE_GRACE_MS = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 60 * 1000;
const EMPTY = Buffer.alloc(0);
/** The store hosts' own list (before login a client cannot tell them apart from us). */
const BASE_CAPABILITIES =
  'IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT SPECIAL-USE CHILDREN ' +
  'CONDSTORE UTF8=ACCEPT QUOTA QUOTA=RES-STORAGE';

/** The facts kept about one client connection. Plain data. */
export class MmpImapSessionInfo {
  secure = false;
  failedLogins = 0;
  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localPort: number,
  ) {}
}

export interface MmpImapConnectionDeps {
  options: MmpImapOptions;
  info: MmpImapSessionInfo;
  trace: MmpImapTrace;
  failures: FailureDelay;
  tlsContext?: SecureContext;
  onClosed(): void;
}

/**
 * One client of the MMP's IMAP side. Until login it answers the few commands of the
 * not-authenticated state itself, strictly in order. Input is handed to the command
 * reader one line at a time, so that when LOGIN succeeds, `pending` holds exactly the
 * raw bytes the client pipelined after it, which go to the back end untouched.
 */
export class MmpImapConnection implements MmpImapContext {
  readonly session: MmpImapSessionInfo;
  readonly options: MmpImapOptions;
  readonly trace: MmpImapTrace;
  readonly failures: FailureDelay;
  private readonly ended = new AbortController();
  private socket: Socket;
  private readonly rawSocket: Socket;
  private pending: Buffer = EMPTY;
  private reader = newReader();
  private lineHandler?: (line: string) => Promise<void>;
  private relay?: Relay;
  private pumping = false;
  private inputPaused = false;
  private isClosing = false;
  private finished = false;
  private forgotten = false;
  private closeReason?: MmpImapCloseReason;
  private protocolErrors = 0;
  private destroyTimer?: NodeJS.Timeout;

  constructor(
    socket: Socket,
    private readonly deps: MmpImapConnectionDeps,
  ) {
    this.session = deps.info;
    this.options = deps.options;
    this.trace = deps.trace;
    this.failures = deps.failures;
    this.rawSocket = socket;
    this.socket = socket;
    this.attach(socket);
  }

  get closing(): boolean {
    return this.isClosing;
  }

  get signal(): AbortSignal {
    return this.ended.signal;
  }

  start(): void {
    const { session } = this;
    this.trace.opened(session.remoteAddress, session.remotePort, session.localPort);
    const caps = this.capabilities().join(' ');
    this.send(`* OK [CAPABILITY ${caps}] ${this.options.hostname} IMAP proxy (Mailscope MMP) ready`);
  }

  destroy(reason: MmpImapCloseReason = 'shutdown'): void {
    this.closeReason ??= reason;
    this.isClosing = true;
    this.ended.abort();
    this.relay?.destroy();
    this.socket.destroy();
    this.rawSocket.destroy();
  }

  // --- MmpImapContext -------------------------------------------------------------

  send(line: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${line}\r\n`);
  }

  tagged(tag: string, status: string): void {
    this.send(`${tag} ${status}`);
  }

  capabilities(): string[] {
    const caps = BASE_CAPABILITIES.split(' ');
    if (this.canStartTls()) caps.push('STARTTLS');
    if (this.plaintextAllowed()) caps.push('AUTH=PLAIN');
    else caps.push('LOGINDISABLED');
    return caps;
  }

  plaintextAllowed(): boolean {
    return this.session.secure || this.options.allowInsecureAuth(this.session.remoteAddress);
  }

  canStartTls(): boolean {
    return this.deps.tlsContext !== undefined && !this.session.secure && this.socket === this.rawSocket;
  }

  startTls(): void {
    const raw = this.socket;
    // RFC 3501 6.2.1: what was pipelined after STARTTLS came in the clear; it must not run under TLS.
    this.pending = EMPTY;
    this.reader = newReader();
    raw.off('data', this.onInput);
    raw.off('timeout', this.onIdle);
    raw.setTimeout(0);
    if (this.inputPaused) raw.resume();
    this.inputPaused = false;
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.deps.tlsContext });
    secure.once('secure', () => {
      this.session.secure = true;
      this.trace.tlsStarted(secure.getCipher()?.name);
    });
    this.attach(secure);
  }

  awaitLine(prompt: string, handle: (line: string) => Promise<void>): void {
    this.send(prompt);
    this.lineHandler = handle;
    this.reader.setRawLineMode(true);
  }

  beginRelay(backend: Socket, leftover: Buffer, okLine: string): void {
    if (this.isClosing) return void backend.destroy();
    this.send(okLine);
    const client = this.socket;
    client.off('data', this.onInput);
    client.off('timeout', this.onIdle);
    const toBackend = this.pending;
    this.pending = EMPTY;
    this.inputPaused = false;
    this.relay = new Relay({
      client,
      backend,
      toBackend,
      toClient: leftover,
      onEnded: (by) => (this.closeReason ??= by),
      onFinished: () => this.forgetWhenDone(),
    });
  }

  close(reason: MmpImapCloseReason): void {
    if (this.isClosing) return;
    this.isClosing = true;
    this.closeReason ??= reason;
    this.ended.abort();
    this.socket.end();
    this.destroyTimer = setTimeout(() => this.destroy(reason), CLOSE_GRACE_MS);
    this.destroyTimer.unref();
  }

  // --- input ------------------------------------------------------------------------

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onInput);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    socket.on('timeout', this.onIdle);
    socket.setTimeout(this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  }

  private readonly onInput = (chunk: Buffer): void => {
    if (this.isClosing || this.relay) return;
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
    try {
      while (!this.isClosing && !this.relay && this.pending.length > 0) {
        const event = this.nextEvent();
        if (event) await this.handle(event);
      }
    } catch {
      this.send('* BYE Internal error');
      this.close('error');
    } finally {
      this.pumping = false;
      if (this.inputPaused && !this.isClosing && !this.relay) {
        this.inputPaused = false;
        this.socket.resume();
      }
    }
  }

  /** Feeds the reader up to the next LF only: a command never ends inside a piece, so nothing past it is eaten. */
  private nextEvent(): ReaderEvent | undefined {
    const lf = this.pending.indexOf(0x0a);
    const end = lf < 0 ? this.pending.length : lf + 1;
    this.reader.feed(this.pending.subarray(0, end));
    this.pending = end >= this.pending.length ? EMPTY : this.pending.subarray(end);
    return this.reader.next();
  }

  private async handle(event: ReaderEvent): Promise<void> {
    switch (event.kind) {
      case 'need-continuation':
        return this.send('+ Ready for literal data');
      case 'error':
        return this.protocolError(event.tag ?? '*', event.text);
      case 'literal-too-big':
        return this.literalTooBig(event.tag, event.synchronizing);
      case 'line':
        return this.rawLine(event.line);
      case 'command':
        return this.command(event.command);
    }
  }

  /**
   * Nothing before login needs a big literal. A synchronising one is refused before
   * the client sends it (RFC 3501 §7.5); a LITERAL+ one is being skipped by the reader,
   * but a client that pushes megabytes at a login prompt is not worth the wait.
   */
  private literalTooBig(tag: string | undefined, synchronizing: boolean): void {
    this.tagged(tag ?? '*', 'NO [TOOBIG] Literal too big before login');
    if (synchronizing) return;
    this.send('* BYE Too much data before login');
    this.close('error');
  }

  private async rawLine(line: string): Promise<void> {
    this.reader.setRawLineMode(false);
    const handle = this.lineHandler;
    this.lineHandler = undefined;
    if (handle) await handle(line);
  }

  private async command(command: ImapCommand): Promise<void> {
    const handler = command.uid ? undefined : findMmpImapCommand(command.verb);
    if (!handler) return this.protocolError(command.tag, 'NO Log in first', false);
    try {
      await handler(this, command);
    } catch (err) {
      if (!(err instanceof ImapSyntaxError)) throw err;
      this.protocolError(command.tag, err.message);
    }
  }

  private protocolError(tag: string, text: string, bad = true): void {
    const status = bad ? `BAD ${text}` : text;
    if (++this.protocolErrors < MAX_PROTOCOL_ERRORS) return this.tagged(tag, status);
    this.send('* BYE Too many errors');
    this.close('error');
  }

  private readonly onIdle = (): void => {
    if (this.isClosing || this.relay) return;
    if (this.pumping) return void this.socket.setTimeout(this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    this.send('* BYE Autologout; idle for too long');
    this.close('timeout');
  };

  private readonly onSocketError = (): void => this.destroy('client');

  private readonly onSocketClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    this.isClosing = true;
    this.closeReason ??= 'client';
    if (this.destroyTimer) clearTimeout(this.destroyTimer);
    this.ended.abort();
    this.socket.destroy();
    this.rawSocket.destroy();
    this.trace.closed(this.closeReason);
    this.forgetWhenDone();
  };

  private forgetWhenDone(): void {
    if (!this.finished || (this.relay && !this.relay.finished) || this.forgotten) return;
    this.forgotten = true;
    this.deps.onClosed();
  }
}

function newReader(): CommandReader {
  return new CommandReader({ maxLineBytes: MAX_LINE_BYTES, maxLiteralBytes: MAX_LITERAL_BYTES });
}
