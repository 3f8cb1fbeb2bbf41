import { connect, type Socket } from 'node:net';
import { LineReader } from '../mta/smtp/line-reader.js';
import type { ProxyForward } from '../store/imap/proxy-id.js';
import { xclientLine } from '../store/pop3/xclient.js';
import type { BackendAddress } from './pop3-types.js';

/** A back-end status line longer than this is not POP3: give up rather than buffer it. */
const MAX_BACKEND_LINE_BYTES = 4096;
const EMPTY = Buffer.alloc(0);

export type BackendLogin =
  /** Logged in: relay from here. `reply` is the back end's +OK line, `leftover` any bytes after it. */
  | { kind: 'ok'; socket: Socket; reply: string; leftover: Buffer }
  /** The back end answered PASS with this -ERR line (e.g. [IN-USE]); its socket is gone. */
  | { kind: 'refused'; reply: string }
  /** No usable back end: refused connection, timeout, bad greeting, hang-up. */
  | { kind: 'unavailable'; reason: string };

export interface BackendLoginRequest {
  target: BackendAddress;
  login: string;
  password: string;
  /** For the whole dialogue: connect, greeting, XCLIENT, USER, PASS. */
  timeoutMs: number;
  /** The client went away or the proxy is closing: stop and drop the socket. */
  signal: AbortSignal;
  /** Who we speak for: sent with XCLIENT before USER when the back end offers it. */
  forward?: ProxyForward;
}

/**
 * Opens a session at a store host's POP3 back end as the user (RFC 1939 USER/PASS;
 * the back end listens on loopback and accepts plaintext). One step at a time, no
 * pipelining: the back end owes us nothing beyond RFC 1939.
 */
export async function logInAtBackend(request: BackendLoginRequest): Promise<BackendLogin> {
  const { target, login, password, timeoutMs, signal } = request;
  if (signal.aborted) return { kind: 'unavailable', reason: 'client gone' };
  const socket = connect({ host: target.host, port: target.port, noDelay: true });
  const lines = new BackendLines(socket);
  const timer = setTimeout(() => lines.fail(`no answer within ${timeoutMs} ms`), timeoutMs);
  const onAbort = (): void => lines.fail('client gone');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const greeting = await lines.next();
    if (!isOk(greeting)) return giveUp(socket, `unexpected greeting ${quote(greeting)}`);
    if (request.forward) {
      // A back end without XCLIENT says -ERR; the login goes on all the same.
      socket.write(`${xclientLine(request.forward)}\r\n`);
      await lines.next();
    }
    socket.write(`USER ${login}\r\n`);
    const userReply = await lines.next();
    if (!isOk(userReply)) return giveUp(socket, `USER refused: ${quote(userReply)}`);
    socket.write(`PASS ${password}\r\n`);
    const passReply = await lines.next();
    if (isOk(passReply)) return { kind: 'ok', socket, reply: passReply, leftover: lines.detach() };
    socket.destroy();
    if (passReply.startsWith('-ERR')) return { kind: 'refused', reply: passReply };
    return { kind: 'unavailable', reason: `unexpected reply to PASS ${quote(passReply)}` };
  } catch (err) {
    return giveUp(socket, err instanceof Error ? err.message : 'failed');
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

function giveUp(socket: Socket, reason: string): BackendLogin {
  socket.destroy();
  return { kind: 'unavailable', reason };
}

function isOk(line: string): boolean {
  return line === '+OK' || line.startsWith('+OK ');
}

/** A back-end line as it may appear in the trace: short, and never a password (we only quote replies). */
function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

/** Status lines from the back end, read one at a time; a failure ends every wait. */
class BackendLines {
  private buffer: Buffer = EMPTY;
  private readonly reader = new LineReader(MAX_BACKEND_LINE_BYTES);
  private failure?: Error;
  private wake?: () => void;

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  fail(reason: string): void {
    this.failure ??= new Error(reason);
    this.socket.destroy();
    this.notify();
  }

  async next(): Promise<string> {
    for (;;) {
      if (this.failure) throw this.failure;
      const { event, consumed } = this.reader.take(this.buffer);
      this.buffer = this.buffer.subarray(consumed);
      if (event.kind === 'line') return event.line.toString('utf8');
      if (event.kind === 'too-long') throw new Error('reply line too long');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Hands the socket over (to the relay): stop reading, return what was read past the last line. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    // Removing the data listener does not stop the flow; paused, nothing is lost until the relay pipes it.
    this.socket.pause();
    // The error listener stays until the relay adds its own: an unheard 'error' would crash the process.
    return this.buffer;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.notify();
  };

  private readonly onError = (err: NodeJS.ErrnoException): void => {
    this.failure ??= new Error(err.code ? `${err.code} ${err.message}` : err.message);
    this.notify();
  };

  private readonly onClose = (): void => {
    this.failure ??= new Error('connection closed by the back end');
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
