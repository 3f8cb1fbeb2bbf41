import { closeGracefully, ConnectionSet, listenOn } from '../../core/tcp-listener.js';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCounter } from '../../core/ids.js';
import { MaildropLocks } from './maildrop-locks.js';
import { Pop3Connection } from './session.js';
import { Pop3SessionInfo } from './session-info.js';
import { Pop3Trace } from './trace.js';
import type { Pop3ServerOptions } from './types.js';

/** After close() has ended the sessions, how long a client may take to hang up. */
const SHUTDOWN_GRACE_MS = 500;

/**
 * The POP3 listener of one store host (RFC 1939, 2449, 2595, 5034). It speaks the
 * protocol over the MessageStore and asks the injected `authenticate` about logins;
 * it knows nothing of the directory.
 */
export class Pop3Server {
  private readonly server: Server;
  private readonly connections = new ConnectionSet<Pop3Connection>();
  private readonly locks = new MaildropLocks();
  private readonly nextSessionId = createCounter('pop3-');
  private readonly tlsContext?: SecureContext;

  constructor(private readonly options: Pop3ServerOptions) {
    if (options.tls) this.tlsContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, port, host);
  }

  /** Stops listening and ends every session without applying its DELE marks. */
  close(): Promise<void> {
    return closeGracefully(this.server, this.connections, SHUTDOWN_GRACE_MS);
  }

  private accept(socket: Socket): void {
    const remoteAddress = socket.remoteAddress;
    if (!remoteAddress) {
      // Already gone between accept and now.
      socket.destroy();
      return;
    }
    const info = new Pop3SessionInfo(
      this.nextSessionId(),
      remoteAddress,
      socket.remotePort ?? 0,
      socket.localPort ?? 0,
    );
    const connection = new Pop3Connection(socket, {
      options: this.options,
      info,
      trace: new Pop3Trace(this.options.tracer, this.options.node, info.id),
      locks: this.locks,
      tlsContext: this.tlsContext,
      onClosed: (c) => this.forget(c),
    });
    this.connections.add(connection);
    connection.start();
  }

  private forget(connection: Pop3Connection): void {
    this.connections.delete(connection);
  }
}
