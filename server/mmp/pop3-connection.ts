import { ReplyCork } from '../core/reply-cork.js';
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { LineReader } from '../mta/smtp/line-reader.js';
import type { FailureDelay } from './failure-delay.js';
import { findMmpCommand, needsLogin } from './pop3-commands/index.js';
import type { LoggedInBackend, MmpCommandContext, MmpContinuation } from './pop3-commands/types.js';
import type { MmpPop3SessionInfo } from './pop3-session-info.js';
import type { MmpPop3Trace } from './pop3-trace.js';
import type { MmpCloseReason, MmpPop3Options } from './pop3-types.js';
import { Relay } from './relay.js';

/** Unanswered input we hold while a login awaits before we stop reading from the socket. */
const MAX_PENDING_INPUT_BYTES = 64 * 1024;
/** RFC 2449 4 allows 255 octets per argument; 1024 leaves room for AUTH PLAIN responses. */
const MAX_COMMAND_LINE_BYTES = 1024;
/** Malformed, unknown or premature commands a client may send before we hang up. */
const MAX_PROTOCOL_ERRORS = 10;
const CLOSE_GRACE_MS = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 60 * 1000;
const EMPTY = Buffer.alloc(0);

export interface MmpPop3ConnectionDeps {
  options: MmpPop3Options;
  info: MmpPop3SessionInfo;
  trace: MmpPop3Trace;
  failures: FailureDelay;
  tlsContext?: SecureContext;
  onClosed(): void;
}

/**
 * One client of the MMP's POP3 side. Until login it is a small POP3 server of its
 * own (input pump, replies, STLS); commands run strictly in order, and while one
 * awaits the directory or the back end, later input waits in `pending`. After the
 * back end's +OK it becomes a byte relay and reads no more lines.
 */
export class MmpPop3Connection implements MmpCommandContext {
  readonly session: MmpPop3SessionInfo;
  readonly options: MmpPop3Options;
  readonly trace: MmpPop3Trace;
  readonly failures: FailureDelay;
  private readonly ended = new AbortController();
  private socket: Socket;
  private readonly rawSocket: Socket;
  private pending: Buffer = EMPTY;
  private readonly lineReader = new LineReader(MAX_COMMAND_LINE_BYTES);
  private continuation?: MmpContinuation;
  private relay?: Relay;
  private pumping = false;
  private inputPaused = false;
  private isClosing = false;
  private finished = false;
  private forgotten = false;
  private closeReason?: MmpCloseReason;
  private protocolErrors = 0;
  private readonly replies = new ReplyCork();
  private destroyTimer?: NodeJS.Timeout;
  private readonly idleTimeoutMs: number;

  constructor(
    socket: Socket,
    private readonly deps: MmpPop3ConnectionDeps,
  ) {
    this.session = deps.info;
    this.options = deps.options;
    this.trace = deps.trace;
    this.failures = deps.failures;
    this.idleTimeoutMs = deps.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
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
    this.ok(`${this.options.hostname} POP3 proxy (Mailscope MMP) ready`);
  }

  /** Proxy shutdown: every socket goes now, the client's and the back end's. */
  destroy(reason: MmpCloseReason = 'shutdown'): void {
    this.closeReason ??= reason;
    this.isClosing = true;
    this.ended.abort();
    this.relay?.destroy();
    this.socket.destroy();
    this.rawSocket.destroy();
  }

  // --- MmpCommandContext ------------------------------------------------------------

  ok(text?: string): void {
    this.writeStatusLine(text ? `+OK ${text}` : '+OK');
  }

  err(text: string): void {
    this.writeStatusLine(`-ERR ${text}`);
  }

  protocolError(text: string): void {
    if (++this.protocolErrors < MAX_PROTOCOL_ERRORS) return this.err(text);
    this.err(`${text}; too many errors, closing connection`);
    this.close('error');
  }

  writeStatusLine(line: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${line}\r\n`);
  }

  okLines(text: string, lines: readonly string[]): void {
    this.writeStatusLine(`+OK ${text}\r\n${lines.map((l) => `${l}\r\n`).join('')}.`);
  }

  challenge(text: string, next: MmpContinuation): void {
    this.writeStatusLine(`+ ${text}`);
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
    secure.once('secure', () => {
      this.session.secure = true;
      this.trace.tlsStarted(secure.getCipher()?.name);
    });
    this.attach(secure);
  }

  beginRelay(backend: LoggedInBackend): void {
    if (this.isClosing) return void backend.socket.destroy();
    this.writeStatusLine(backend.reply);
    this.uncork();
    const client = this.socket;
    client.off('data', this.onInput);
    client.off('timeout', this.onIdle);
    // What the client pipelined after PASS is the back end's to answer.
    const toBackend = this.pending;
    this.pending = EMPTY;
    this.continuation = undefined;
    this.inputPaused = false;
    this.relay = new Relay({
      client,
      backend: backend.socket,
      toBackend,
      toClient: backend.leftover,
      onEnded: (by) => (this.closeReason ??= by),
      onFinished: () => this.forgetWhenDone(),
    });
  }

  close(reason: MmpCloseReason): void {
    if (this.isClosing) return;
    this.isClosing = true;
    this.closeReason ??= reason;
    this.continuation = undefined;
    this.ended.abort();
    this.uncork();
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
    socket.setTimeout(this.idleTimeoutMs);
  }

  private get relaying(): boolean {
    return this.relay !== undefined;
  }

  private readonly onInput = (chunk: Buffer): void => {
    if (this.isClosing || this.relaying) return;
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
      while (!this.isClosing && !this.relaying && this.pending.length > 0) {
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
      if (this.inputPaused && !this.isClosing && !this.relaying && this.pending.length <= MAX_PENDING_INPUT_BYTES) {
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
    if (next) return next.handle(text);
    const space = text.indexOf(' ');
    const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
    const args = space < 0 ? '' : text.slice(space + 1);
    const handler = findMmpCommand(verb);
    if (handler) return handler.run(this, args);
    if (needsLogin(verb)) return this.protocolError('Not logged in; log in first');
    this.protocolError(verb === '' ? 'Empty command' : 'Unknown command');
  }

  // --- socket events and helpers ----------------------------------------------------

  /** RFC 1939 3: on autologout the server closes without a reply. */
  private readonly onIdle = (): void => {
    if (this.isClosing || this.relaying) return;
    // Waiting on the directory or a back end is not the client's idleness.
    if (this.pumping && !this.replies.awaitingDrain) return void this.socket.setTimeout(this.idleTimeoutMs);
    this.close('timeout');
  };

  /** Reset, broken pipe, failed TLS handshake: the client is gone either way. */
  private readonly onSocketError = (): void => this.destroy('client');

  private readonly onSocketClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    this.isClosing = true;
    this.closeReason ??= 'client';
    this.continuation = undefined;
    if (this.destroyTimer) clearTimeout(this.destroyTimer);
    this.ended.abort();
    // Not the relay's back end: a QUIT the client sent just before hanging up may
    // still be on its way there; the relay ends that side gently.
    this.socket.destroy();
    this.rawSocket.destroy();
    this.trace.closed(this.closeReason);
    this.forgetWhenDone();
  };

  /** The proxy forgets a connection once its client socket and any back-end socket are closed. */
  private forgetWhenDone(): void {
    if (!this.finished || (this.relay && !this.relay.finished) || this.forgotten) return;
    this.forgotten = true;
    this.deps.onClosed();
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
