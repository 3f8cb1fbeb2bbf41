import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCounter } from '../core/ids.js';
import { ConnectionSet, listenOn } from '../core/tcp-listener.js';
import { FailureDelay } from './failure-delay.js';

const DEFAULT_FAILURE_DELAY_MS = 500;

/** What the listener hands each new client connection of the MMP. */
export interface MmpClientSocket {
  sessionId: string;
  remoteAddress: string;
  remotePort: number;
  localPort: number;
  /** Shared by every connection of this listener: the delay grows per client address. */
  failures: FailureDelay;
  tlsContext?: SecureContext;
  onClosed(): void;
}

export interface MmpClientConnection {
  start(): void;
  destroy(reason: 'shutdown'): void;
}

/**
 * The MMP's listener, the same for its IMAP and POP3 sides: accept, give each client
 * a session id and the shared failure delay, keep the set of open connections, and
 * close them all on shutdown. What a connection speaks is the factory's business.
 */
export class MmpListener<C extends MmpClientConnection> {
  private readonly server: Server;
  private readonly connections = new ConnectionSet<C>();
  private readonly nextSessionId: () => string;
  private readonly failures: FailureDelay;
  private readonly tlsContext?: SecureContext;

  constructor(
    options: { tls?: { key: string | Buffer; cert: string | Buffer }; failureDelayMs?: number },
    sessionPrefix: string,
    private readonly open: (socket: Socket, client: MmpClientSocket) => C,
  ) {
    this.nextSessionId = createCounter(sessionPrefix);
    if (options.tls) this.tlsContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
    this.failures = new FailureDelay({ baseDelayMs: options.failureDelayMs ?? DEFAULT_FAILURE_DELAY_MS });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, port, host);
  }

  /** Stops listening and destroys every client and back-end socket. */
  async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy('shutdown');
    await this.connections.whenEmpty();
    await stopped;
  }

  private accept(socket: Socket): void {
    const remoteAddress = socket.remoteAddress;
    if (!remoteAddress) {
      // Already gone between accept and now.
      socket.destroy();
      return;
    }
    const connection: C = this.open(socket, {
      sessionId: this.nextSessionId(),
      remoteAddress,
      remotePort: socket.remotePort ?? 0,
      localPort: socket.localPort ?? 0,
      failures: this.failures,
      tlsContext: this.tlsContext,
      onClosed: () => this.connections.delete(connection),
    });
    this.connections.add(connection);
    connection.start();
  }
}
