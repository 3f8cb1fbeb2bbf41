import { connect, type Socket } from 'node:net';
import { BackendLines, giveUp, quote } from './backend-lines.js';
import { proxyIdList, type ProxyForward } from '../store/imap/proxy-id.js';
import type { BackendAddress } from './imap-types.js';

/** A back-end response line longer than this is not a greeting or a LOGIN answer: give up. */
const MAX_BACKEND_LINE_BYTES = 16 * 1024;
/** Our own tag on the back-end connection; the client never sees it. */
const BACKEND_TAG = 'A1';
const ID_TAG = 'A0';

export type ImapBackendLogin =
  /** Logged in: relay from here. `capabilities` from the back end's OK, `leftover` any bytes after it. */
  | { kind: 'ok'; socket: Socket; capabilities?: string; leftover: Buffer }
  /** The back end answered LOGIN with NO (the text after `A1 NO `); its socket is gone. */
  | { kind: 'refused'; text: string }
  /** No usable back end: refused connection, timeout, bad greeting, hang-up. */
  | { kind: 'unavailable'; reason: string };

export interface ImapBackendLoginRequest {
  target: BackendAddress;
  login: string;
  password: string;
  /** For the whole dialogue: connect, greeting, ID, LOGIN. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Who we speak for: sent with ID before LOGIN (see proxy-id.ts) so the store can trace the link. */
  forward?: ProxyForward;
}

/**
 * Opens a session at a store host's IMAP back end as the user with RFC 3501 LOGIN
 * (the back end listens on loopback and accepts plaintext). Credentials go as quoted
 * strings, or as synchronising literals when they hold 8-bit characters, which a
 * quoted string may not (RFC 3501 9, QUOTED-CHAR); the caller has ruled out CR/LF/NUL.
 */
export async function logInAtImapBackend(request: ImapBackendLoginRequest): Promise<ImapBackendLogin> {
  const { target, login, password, timeoutMs, signal } = request;
  if (signal.aborted) return { kind: 'unavailable', reason: 'client gone' };
  const socket = connect({ host: target.host, port: target.port, noDelay: true });
  const lines = new BackendLines(socket, MAX_BACKEND_LINE_BYTES);
  const timer = setTimeout(() => lines.fail(`no answer within ${timeoutMs} ms`), timeoutMs);
  const onAbort = (): void => lines.fail('client gone');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const greeting = await lines.next();
    if (!greeting.startsWith('* OK')) return giveUp(socket, `unexpected greeting ${quote(greeting)}`);
    if (request.forward) await sendId(socket, lines, request.forward);
    const reply = await sendLogin(socket, lines, login, password);
    if (reply.startsWith(`${BACKEND_TAG} OK`)) {
      const capabilities = /^A1 OK \[CAPABILITY ([^\]]*)\]/.exec(reply)?.[1];
      return { kind: 'ok', socket, capabilities, leftover: lines.detach() };
    }
    socket.destroy();
    if (reply.startsWith(`${BACKEND_TAG} NO`)) return { kind: 'refused', text: reply.slice(6) };
    return { kind: 'unavailable', reason: `unexpected reply to LOGIN ${quote(reply)}` };
  } catch (err) {
    return giveUp(socket, err instanceof Error ? err.message : 'failed');
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** RFC 2971 ID with the forwarding fields; whatever the back end answers, the login goes on. */
async function sendId(socket: Socket, lines: BackendLines, forward: ProxyForward): Promise<void> {
  socket.write(`${ID_TAG} ID ${proxyIdList(forward)}\r\n`);
  for (;;) {
    const line = await lines.next();
    if (line.startsWith(`${ID_TAG} `)) return;
  }
}

/** Sends `A1 LOGIN user pass`, waiting for `+` after each literal head; returns the tagged reply. */
async function sendLogin(socket: Socket, lines: BackendLines, login: string, password: string): Promise<string> {
  // Each chunk but the last ends in a literal head `{n}\r\n` and needs the back end's `+`.
  const chunks: Buffer[] = [];
  let current: Buffer = Buffer.from(`${BACKEND_TAG} LOGIN `);
  for (const [i, value] of [login, password].entries()) {
    const encoded = encodeAString(value);
    current = Buffer.concat([current, Buffer.from(encoded.head)]);
    if (encoded.literal) {
      chunks.push(Buffer.concat([current, Buffer.from('\r\n')]));
      current = encoded.literal;
    }
    if (i === 0) current = Buffer.concat([current, Buffer.from(' ')]);
  }
  chunks.push(Buffer.concat([current, Buffer.from('\r\n')]));
  for (const [i, chunk] of chunks.entries()) {
    socket.write(chunk);
    if (i === chunks.length - 1) break;
    const answer = await untilTaggedOrContinuation(lines);
    if (!answer.startsWith('+')) return answer;
  }
  return untilTaggedOrContinuation(lines);
}

/** Skips untagged responses; returns a continuation or the tagged line. */
async function untilTaggedOrContinuation(lines: BackendLines): Promise<string> {
  for (;;) {
    const line = await lines.next();
    if (!line.startsWith('* ')) return line;
  }
}

/** An astring as a quoted string, or a synchronising-literal head `{n}` plus its bytes. */
export function encodeAString(value: string): { head: string; literal?: Buffer } {
  if (/^[\x20-\x7e]*$/.test(value)) return { head: `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"` };
  const literal = Buffer.from(value, 'utf8');
  return { head: `{${literal.length}}`, literal };
}
