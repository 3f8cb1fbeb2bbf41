import type { Socket } from 'node:net';
import { encodeResult, LdapOp } from './ber.js';
import { LdapFramer } from './ldap-framer.js';
import { preflight, type DnCheck } from './preflight.js';
import { ResultCode } from './result-codes.js';

/**
 * Limits that keep one bad client from hurting the directory. ldapjs buffers a
 * message until it is complete, whatever length its header claims; here we frame
 * messages ourselves, refuse one that is too big from its header alone, and hand
 * ldapjs only whole messages. When a message cannot be understood, the client is
 * told why with a Notice of Disconnection (RFC 4511 §4.4.1) instead of a silent close.
 */
export interface ConnectionLimits {
  /** Largest LDAP message accepted; real requests here are a few hundred bytes. */
  maxMessageBytes: number;
  /** Idle connections are closed after this long (ldapjs ends a socket on 'timeout'). */
  idleTimeoutMs: number;
  /** Stop reading requests while this many reply bytes wait to be sent. */
  replyBacklogBytes: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxMessageBytes: 256 * 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  replyBacklogBytes: 1024 * 1024,
};

const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

/** An unsolicited ExtendedResponse with messageID 0: "I am closing this connection, and why". */
export function noticeOfDisconnection(resultCode: number, message: string): Buffer {
  return encodeResult({
    messageId: 0,
    responseTag: LdapOp.extendedResponse,
    resultCode,
    diagnosticMessage: message,
    responseName: NOTICE_OF_DISCONNECTION_OID,
  });
}

/** The part of an ldapjs connection the guard reaches into (set up by ldapjs's newConnection). */
interface LdapjsSocket extends Socket {
  parser?: {
    write(data: Buffer): void;
    removeAllListeners(event: 'error'): void;
    on(event: 'error', fn: (err: Error) => void): void;
  };
}

export interface GuardHooks {
  /** Give the socket to ldapjs (its newConnection). */
  attach(socket: Socket): void;
  /** Throws for a base that is not a DN. */
  checkDn?: DnCheck;
  /** The connection is about to become anonymous (ldapjs answers that bind itself). */
  onAnonymousBind?(socket: Socket): void;
}

/**
 * Hand a new socket to ldapjs behind our limits: ldapjs's own 'data' listener is
 * replaced, so ldapjs only ever sees whole messages of acceptable size, and only
 * while the client is reading its replies.
 */
export function guardConnection(socket: Socket, limits: ConnectionLimits, hooks: GuardHooks): void {
  socket.setTimeout(limits.idleTimeoutMs);
  hooks.attach(socket);
  const ldapjsListeners = socket.listeners('data') as ((chunk: Buffer) => void)[];
  socket.removeAllListeners('data');
  const parser = (socket as LdapjsSocket).parser;
  // ldapjs's own 'data' listener only formats a trace line (util.inspect of every
  // chunk, even with logging off: a measurable cost) and feeds the parser; we feed it.
  const deliver = parser
    ? (message: Buffer) => parser.write(message)
    : (message: Buffer) => ldapjsListeners.forEach((listener) => listener.call(socket, message));
  const guarded = new GuardedConnection(socket, limits, hooks, deliver);
  // ldapjs closes the socket without a reply when it cannot parse a message.
  parser?.removeAllListeners('error');
  parser?.on('error', (err) => guarded.refuse(`cannot parse the request: ${err.message}`));
  socket.on('data', (chunk: Buffer) => guarded.receive(chunk));
}

class GuardedConnection {
  private readonly framer: LdapFramer;
  /** Whole messages not yet handled: at most one chunk's worth, as reading stops while they wait. */
  private readonly queue: Buffer[] = [];
  private problem: string | undefined;
  private refused = false;
  private waitingForDrain = false;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly hooks: GuardHooks,
    private readonly deliver: (message: Buffer) => void,
  ) {
    this.framer = new LdapFramer(limits.maxMessageBytes);
  }

  receive(chunk: Buffer): void {
    if (this.refused) return;
    const { messages, problem } = this.framer.push(chunk);
    this.queue.push(...messages);
    this.problem ??= problem;
    this.pump();
  }

  refuse(reason: string): void {
    if (this.refused) return;
    this.refused = true;
    this.queue.length = 0;
    this.socket.end(noticeOfDisconnection(ResultCode.protocolError, reason), () => this.socket.destroy());
  }

  /**
   * Handle queued requests until the replies waiting to be sent pass the backlog
   * limit; then stop reading until the client has taken them (a client that
   * pipelines thousands of searches and never reads cannot grow our memory).
   */
  private pump(): void {
    if (this.waitingForDrain) return;
    // Replies to a run of requests leave in one write (the handlers are synchronous).
    this.socket.cork();
    while (this.queue.length > 0 && !this.refused) {
      if (this.socket.writableLength > this.limits.replyBacklogBytes) {
        this.waitForDrain();
        break;
      }
      this.handle(this.queue.shift()!);
    }
    this.socket.uncork();
    if (this.queue.length === 0 && this.problem) this.refuse(this.problem);
  }

  private waitForDrain(): void {
    this.waitingForDrain = true;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.waitingForDrain = false;
      this.socket.resume();
      this.pump();
    });
  }

  private handle(message: Buffer): void {
    const seen = preflight(message, this.hooks.checkDn);
    if (seen?.kind === 'reply') {
      this.socket.write(seen.bytes);
      return;
    }
    if (seen?.kind === 'anonymous-bind') this.hooks.onAnonymousBind?.(this.socket);
    this.deliver(message);
  }
}
