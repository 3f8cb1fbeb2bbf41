import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { MailError } from '../../core/mail-error.js';
import { ReplyParser, ReplyProtocolError, type ClientReply } from './client-replies.js';

/**
 * The client's socket and reply queue. Replies are matched to reads in order (which
 * is what lets the client pipeline). Any failure — refused connection, timeout, a
 * dropped or garbled connection — becomes one temporary MailError that rejects the
 * pending read and every later one; nothing waits forever.
 */
export interface Waiter {
  resolve(reply: ClientReply): void;
  reject(err: MailError): void;
}

export function clientError(code: number, enhanced: string, text: string, cause?: unknown): MailError {
  return new MailError({ code, enhanced, publicText: text, component: 'smtp-client', cause });
}

export class ClientConnection {
  private socket: Socket;
  private parser = new ReplyParser();
  private readonly replies: ClientReply[] = [];
  private readonly waiters: Waiter[] = [];
  private failure?: MailError;
  /** Set by the owner: a reply arriving while idle is unsolicited (e.g. 421 on shutdown). */
  expectingReplies = false;

  private constructor(
    socket: Socket,
    private readonly label: string,
    private readonly commandTimeoutMs: number,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  static open(
    host: string,
    port: number,
    connectTimeoutMs: number,
    commandTimeoutMs: number,
  ): Promise<ClientConnection> {
    const label = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port, noDelay: true });
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(clientError(421, '4.4.1', `Connection to ${label} failed: ${describe(err)}`, err));
      };
      const timer = setTimeout(() => fail(new Error('connect timeout')), connectTimeoutMs);
      socket.once('error', fail);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new ClientConnection(socket, label, commandTimeoutMs));
      });
    });
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  write(data: string | Buffer): void {
    if (this.failure || !this.socket.writable) return;
    this.socket.write(data);
  }

  /** The next reply in order. */
  read(): Promise<ClientReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.socket.setTimeout(this.commandTimeoutMs);
    });
  }

  /** Replaces the plain socket by a TLS one after "220 Ready to start TLS". */
  async upgrade(host: string, rejectUnauthorized: boolean, timeoutMs: number): Promise<void> {
    const raw = this.socket;
    raw.off('data', this.onData);
    raw.off('timeout', this.onTimeout);
    raw.setTimeout(0);
    const secure = tlsConnect({ socket: raw, servername: isIP(host) ? undefined : host, rejectUnauthorized });
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(this.fail(() => clientError(421, '4.7.0', `TLS handshake with ${this.label} timed out`))),
        timeoutMs,
      );
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        resolve();
      });
      secure.once('error', (err) => {
        clearTimeout(timer);
        reject(
          this.failure ?? clientError(421, '4.7.0', `TLS handshake with ${this.label} failed: ${describe(err)}`, err),
        );
      });
    });
  }

  /**
   * Ends the connection now; later reads fail with the reason. The reason is built
   * only for the first failure: an Error costs a stack capture, and every closing
   * connection passes here more than once.
   */
  fail(reason: () => MailError): MailError {
    this.failure ??= reason();
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
    this.socket.destroy();
    return this.failure;
  }

  private attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    let replies: ClientReply[];
    try {
      replies = this.parser.push(chunk);
    } catch (err) {
      const text = err instanceof ReplyProtocolError ? err.message : 'unreadable reply';
      this.fail(() => clientError(421, '4.5.0', `Protocol error from ${this.label}: ${text}`, err));
      return;
    }
    for (const reply of replies) this.deliver(reply);
  };

  private deliver(reply: ClientReply): void {
    const waiter = this.waiters.shift();
    if (this.waiters.length === 0) this.socket.setTimeout(0);
    if (waiter) return waiter.resolve(reply);
    if (!this.expectingReplies) {
      this.fail(() => clientError(421, '4.4.2', `${this.label} said: ${reply.code} ${reply.text}`));
      return;
    }
    this.replies.push(reply);
  }

  private readonly onTimeout = (): void => {
    this.fail(() => clientError(421, '4.4.2', `Timed out waiting for ${this.label}`));
  };

  private readonly onError = (err: Error): void => {
    this.fail(() => clientError(421, '4.4.2', `Connection to ${this.label} failed: ${describe(err)}`, err));
  };

  private readonly onClose = (): void => {
    this.fail(() => clientError(421, '4.4.2', `Connection to ${this.label} closed`));
  };
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ?? err.message;
}
