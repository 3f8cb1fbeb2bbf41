import { ReplyCork, untilDrained } from '../../core/reply-cork.js';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { MessageStore } from '../message-store.js';
import type { StoreChange } from '../types.js';
import { findCommand } from './commands/index.js';
import type { CommandContext, CommandHandler } from './commands/types.js';
import { failureReply } from './errors.js';
import type { MailboxView } from './mailbox-view.js';
import { CommandReader, type ReaderEvent } from './syntax/command-reader.js';
import { encodeStatus, encodeUntagged, type ResponseValue } from './syntax/response-writer.js';
import type { ImapCommand } from './syntax/types.js';
import type { CommandStatus, ImapTrace } from './trace.js';
import type { CloseReason, ImapServerOptions, ImapState } from './types.js';

/** RFC 3501 §5.4: the autologout timer is at least 30 minutes. */
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** Input held while a command awaits before we stop reading from the socket. */
const MAX_PENDING_INPUT_BYTES = 1024 * 1024;
/**
 * While a command runs, its responses are corked and go out in writes of about this
 * size: a 10,000-message FETCH is then a few hundred syscalls, not 10,000.
 */
const FLUSH_BYTES = 64 * 1024;
/** Output a slow reader may leave unread before a command waits for it (backpressure). */
const MAX_UNREAD_OUTPUT_BYTES = 256 * 1024;
const MAX_PROTOCOL_ERRORS = 20;
const CLOSE_GRACE_MS = 1000;
const BASE_CAPABILITIES = [
  'IMAP4rev1',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'SPECIAL-USE',
  'CHILDREN',
  'CONDSTORE',
  'UTF8=ACCEPT',
  'QUOTA',
  'QUOTA=RES-STORAGE',
];

export interface ImapSessionDeps {
  options: ImapServerOptions;
  trace: ImapTrace;
  tlsContext?: SecureContext;
  onClosed(connection: ImapConnection): void;
}

/**
 * One IMAP client connection: the input pump over the CommandReader, the state
 * machine, dispatch, and the pushing of mailbox changes. Commands run strictly in
 * order; while one awaits (a login, IDLE), later input waits in the reader.
 */
export class ImapConnection implements CommandContext {
  state: ImapState = 'not-authenticated';
  address?: string;
  view?: MailboxView;
  readonly options: ImapServerOptions;
  readonly store: MessageStore;
  readonly trace: ImapTrace;
  readonly remoteAddress: string;
  secure = false;
  private readonly enabled = new Set<string>();
  private socket: Socket;
  private readonly replies = new ReplyCork();
  private readonly rawSocket: Socket;
  private reader: CommandReader;
  private lineWaiter?: (line: string | undefined) => void;
  private pumping = false;
  private inputPaused = false;
  private idling = false;
  private tlsAfterReply = false;
  private isClosing = false;
  private finished = false;
  private closeReason?: CloseReason;
  private protocolErrors = 0;
  private readonly stopListening: () => void;

  constructor(
    socket: Socket,
    private readonly deps: ImapSessionDeps,
  ) {
    this.options = deps.options;
    this.store = deps.options.store;
    this.trace = deps.trace;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.rawSocket = socket;
    this.socket = socket;
    this.reader = this.newReader();
    this.stopListening = this.store.onChange((change) => this.onStoreChange(change));
    this.attach(socket);
  }

  start(): void {
    const s = this.rawSocket;
    this.trace.opened(this.remoteAddress, s.remotePort ?? 0, s.localPort ?? 0);
    const caps = this.capabilities().join(' ');
    this.send(`* OK [CAPABILITY ${caps}] ${this.options.hostname} IMAP4rev1 Mailscope ready\r\n`);
  }

  shutdown(): void {
    this.send(encodeUntagged('BYE', [{ atom: 'Server shutting down' }]));
    this.close('shutdown');
  }

  destroy(): void {
    this.socket.destroy();
    this.rawSocket.destroy();
  }

  // --- CommandContext ---------------------------------------------------------------

  capabilities(): string[] {
    const caps = [...BASE_CAPABILITIES];
    if (this.state !== 'not-authenticated') return caps;
    if (this.options.tls && !this.secure) caps.push('STARTTLS');
    caps.push(this.plaintextAllowed() ? 'AUTH=PLAIN' : 'LOGINDISABLED');
    return caps;
  }

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT');
  }

  get condstore(): boolean {
    return this.enabled.has('CONDSTORE');
  }

  enable(extension: 'CONDSTORE' | 'UTF8=ACCEPT'): boolean {
    if (this.enabled.has(extension)) return false;
    this.enabled.add(extension);
    // RFC 7162 §3.1: turned on with a mailbox selected, the client learns where it stands.
    if (extension === 'CONDSTORE' && this.view) {
      const { highestModseq } = this.store.folderInfo(this.view.address, this.view.folder);
      this.send(`* OK [HIGHESTMODSEQ ${highestModseq}] Highest\r\n`);
    }
    return true;
  }

  plaintextAllowed(): boolean {
    return this.secure || this.options.allowInsecureAuth(this.remoteAddress);
  }

  send(data: Buffer | string): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    socket.write(data);
    if (this.replies.isCorked && socket.writableLength >= FLUSH_BYTES) {
      this.uncork();
      this.cork();
    }
  }

  untagged(name: string, values: readonly ResponseValue[] = []): void {
    this.send(encodeUntagged(name, values, { utf8: this.utf8 }));
  }

  async drain(): Promise<void> {
    const socket = this.socket;
    if (socket.writableLength < MAX_UNREAD_OUTPUT_BYTES || socket.destroyed) return;
    const wasCorked = this.replies.isCorked;
    this.uncork();
    await untilDrained(socket);
    if (wasCorked && !this.isClosing) this.cork();
  }

  readLine(prompt: string): Promise<string | undefined> {
    if (this.isClosing) return Promise.resolve(undefined);
    this.send(`+ ${prompt}\r\n`);
    // The client answers only once it has the prompt; and while idling, pushes go out at once.
    this.uncork();
    this.reader.setRawLineMode(true);
    return new Promise((resolve) => {
      this.lineWaiter = (line) => {
        this.lineWaiter = undefined;
        this.reader.setRawLineMode(false);
        resolve(line);
      };
      this.offerLine();
    });
  }

  setIdling(on: boolean): void {
    this.idling = on;
    if (on) this.pushChanges(true);
  }

  startTlsAfterReply(): void {
    this.tlsAfterReply = true;
  }

  close(reason: CloseReason): void {
    if (this.isClosing) return;
    this.isClosing = true;
    this.closeReason ??= reason;
    this.lineWaiter?.(undefined);
    this.uncork();
    this.socket.end();
    setTimeout(() => this.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Holds writes until uncork (see FLUSH_BYTES); never across an await for the client. */
  private cork(): void {
    this.replies.cork(this.socket);
  }

  private uncork(): void {
    this.replies.uncork();
  }

  // --- input ------------------------------------------------------------------------

  private newReader(): CommandReader {
    const max = this.options.maxLiteralBytes;
    return new CommandReader(max !== undefined ? { maxLiteralBytes: max } : {});
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onInput);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    socket.on('timeout', this.onIdleTimeout);
    socket.setTimeout(this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  }

  private readonly onInput = (chunk: Buffer): void => {
    if (this.isClosing) return;
    this.reader.feed(chunk);
    if (this.lineWaiter) return this.offerLine();
    if (this.pumping && this.reader.bufferedBytes > MAX_PENDING_INPUT_BYTES && !this.inputPaused) {
      this.inputPaused = true;
      this.socket.pause();
    }
    void this.pump();
  };

  /** A command is waiting for a raw line (AUTHENTICATE, IDLE): give it one if there is one. */
  private offerLine(): void {
    const ev = this.reader.next();
    if (!ev) return;
    if (ev.kind === 'line') this.lineWaiter?.(ev.line);
    // Raw-line mode yields only lines or line-too-long errors; a broken line ends the wait.
    else this.lineWaiter?.('');
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let ev = this.reader.next(); ev && !this.isClosing; ev = this.reader.next()) {
        this.cork();
        await this.handleEvent(ev);
        this.uncork();
        await this.drain();
      }
    } finally {
      this.uncork();
      this.pumping = false;
      if (this.inputPaused && !this.isClosing) {
        this.inputPaused = false;
        this.socket.resume();
      }
    }
  }

  private async handleEvent(ev: ReaderEvent): Promise<void> {
    switch (ev.kind) {
      case 'command':
        return this.runCommand(ev.command);
      case 'need-continuation':
        return this.send('+ Ready for literal data\r\n');
      case 'error':
        return this.protocolError(ev.tag ?? '*', ev.text);
      case 'literal-too-big':
        this.send(encodeStatus(ev.tag ?? '*', 'NO', `Literal of ${ev.sizeBytes} bytes is too big`, 'TOOBIG'));
        return;
      case 'line':
        return this.protocolError('*', 'Unexpected line');
    }
  }

  private async runCommand(cmd: ImapCommand): Promise<void> {
    const handler = findCommand(cmd.verb);
    let refusal: string | undefined;
    if (!handler || (cmd.uid && !handler.uid)) refusal = 'Unknown command';
    else if (!handler.states.includes(this.state)) {
      refusal = this.state === 'not-authenticated' ? 'Log in first' : 'Command not allowed in this state';
    }
    if (!handler || refusal) {
      this.protocolError(cmd.tag, refusal ?? 'Unknown command');
      return this.trace.command(cmd, 'BAD', this.address);
    }
    const status = await this.execute(handler, cmd);
    this.trace.command(cmd, status, this.address);
    if (this.tlsAfterReply) this.startTls();
    if (this.state === 'logout') this.close('logout');
  }

  /** Runs one command and writes its tagged reply; what happened after the OK is reported then. */
  private async execute(handler: CommandHandler, cmd: ImapCommand): Promise<CommandStatus> {
    const label = `${cmd.uid ? 'UID ' : ''}${cmd.verb}`;
    try {
      const result = (await handler.run(this, cmd)) ?? {};
      this.pushChanges(!handler.noExpungeAfter || cmd.uid);
      this.send(encodeStatus(cmd.tag, 'OK', result.text ?? `${label} completed`, result.code));
      result.after?.();
      return 'OK';
    } catch (err) {
      const reply = failureReply(err);
      if (reply.status === 'BAD') this.protocolError(cmd.tag, reply.text);
      else this.send(encodeStatus(cmd.tag, 'NO', reply.text, reply.code));
      return reply.status;
    }
  }

  private protocolError(tag: string, text: string): void {
    this.send(encodeStatus(tag, 'BAD', text));
    if (++this.protocolErrors < MAX_PROTOCOL_ERRORS) return;
    this.send(encodeUntagged('BYE', [{ atom: 'Too many errors' }]));
    this.close('error');
  }

  /** Untagged EXISTS / EXPUNGE / FETCH for changes the client has not heard of. */
  private pushChanges(allowExpunge: boolean): void {
    const view = this.view;
    if (!view || !view.hasPending || this.isClosing) return;
    try {
      for (const response of view.flush(allowExpunge, this.condstore)) this.send(response);
    } catch {
      // The folder may have been deleted under us; the next command will say so.
    }
  }

  private onStoreChange(change: StoreChange): void {
    const view = this.view;
    if (!view || !view.concerns(change)) return;
    view.noteChange(change);
    if (this.idling) this.pushChanges(true);
  }

  // --- TLS and socket events --------------------------------------------------------

  private startTls(): void {
    this.tlsAfterReply = false;
    this.uncork();
    const raw = this.socket;
    // RFC 3501 §6.2.1: what was pipelined after STARTTLS came in the clear; drop it.
    this.reader = this.newReader();
    raw.off('data', this.onInput);
    raw.off('timeout', this.onIdleTimeout);
    raw.off('close', this.onSocketClose);
    raw.off('error', this.onSocketError);
    raw.setTimeout(0);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.deps.tlsContext });
    secure.once('secure', () => {
      this.secure = true;
      this.trace.tlsStarted(secure.getCipher()?.name);
    });
    this.attach(secure);
  }

  private readonly onIdleTimeout = (): void => {
    if (this.isClosing) return;
    this.send(encodeUntagged('BYE', [{ atom: 'Autologout; idle for too long' }]));
    this.close('timeout');
  };

  private readonly onSocketError = (): void => {
    this.closeReason ??= 'client';
    this.destroy();
  };

  private readonly onSocketClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    this.isClosing = true;
    this.stopListening();
    this.lineWaiter?.(undefined);
    this.destroy();
    this.trace.closed(this.closeReason ?? 'client');
    this.deps.onClosed(this);
  };
}
