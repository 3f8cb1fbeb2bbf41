import { connect, type Socket } from 'node:net';
import { BackendLines, giveUp, quote } from './backend-lines.js';
import type { ProxyForward } from '../store/imap/proxy-id.js';
import { xclientLine } from '../store/pop3/xclient.js';
import type { BackendAddress } from './pop3-types.js';

/** A back-end status line longer than this is not POP3: give up rather than buffer it. */
const MAX_BACKEND_LINE_BYTES = 4096;

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
  const lines = new BackendLines(socket, MAX_BACKEND_LINE_BYTES);
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

function isOk(line: string): boolean {
  return line === '+OK' || line.startsWith('+OK ');
}

/** A back-end line as it may appear in the trace: short, and never a password (we only quote replies). */
