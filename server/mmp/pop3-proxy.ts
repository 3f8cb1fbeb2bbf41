import { ConnectionSet, listenOn } from '../core/tcp-listener.js';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCounter } from '../core/ids.js';
import { FailureDelay } from './failure-delay.js';
import { MmpPop3Connection } from './pop3-connection.js';
import { MmpPop3SessionInfo } from './pop3-session-info.js';
import { MmpPop3Trace } from './pop3-trace.js';
import type { MmpPop3Options } from './pop3-types.js';

const DEFAULT_FAILURE_DELAY_MS = 500;

/**
 * The MMP's POP3 listener: it takes the client's login (USER/PASS or AUTH PLAIN,
 * after STLS if asked), checks it against the directory through the injected
 * `authenticate`, logs in at the user's store host with the same credentials and
 * then relays bytes both ways. It knows nothing of LDAP or of the stores' insides.
 */
export class MmpPop3Proxy {
  private readonly server: Server;
  private readonly connections = new ConnectionSet<MmpPop3Connection>();
  private readonly nextSessionId = createCounter('mmp-pop3-');
  private readonly failures: FailureDelay;
  private readonly tlsContext?: SecureContext;

  constructor(private readonly options: MmpPop3Options) {
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
    const info = new MmpPop3SessionInfo(
      this.nextSessionId(),
      remoteAddress,
      socket.remotePort ?? 0,
      socket.localPort ?? 0,
    );
    const connection = new MmpPop3Connection(socket, {
      options: this.options,
      info,
      trace: new MmpPop3Trace(this.options.tracer, this.options.node, info.id),
      failures: this.failures,
      tlsContext: this.tlsContext,
      onClosed: (c) => this.forget(c),
    });
    this.connections.add(connection);
    connection.start();
  }

  private forget(connection: MmpPop3Connection): void {
    this.connections.delete(connection);
  }
}
