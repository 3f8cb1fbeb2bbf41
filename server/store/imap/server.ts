import { closeGracefully, ConnectionSet, listenOn } from '../../core/tcp-listener.js';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCounter } from '../../core/ids.js';
import { ImapConnection } from './session.js';
import { ImapTrace } from './trace.js';
import type { ImapServerOptions } from './types.js';

/** After close() has said BYE, how long clients may take to hang up. */
const SHUTDOWN_GRACE_MS = 500;

/**
 * The IMAP4rev1 listener of one store host (RFC 3501 plus the extensions in
 * CAPABILITY). Protocol only: mail lives in the MessageStore, logins are checked
 * by the injected `authenticate`.
 */
export class ImapServer {
  private readonly server: Server;
  private readonly connections = new ConnectionSet<ImapConnection>();
  private readonly nextSessionId = createCounter('imap-');
  private readonly tlsContext?: SecureContext;

  constructor(private readonly options: ImapServerOptions) {
    if (options.tls) this.tlsContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, port, host);
  }

  close(): Promise<void> {
    return closeGracefully(this.server, this.connections, SHUTDOWN_GRACE_MS);
  }

  private accept(socket: Socket): void {
    if (!socket.remoteAddress) return void socket.destroy();
    const connection = new ImapConnection(socket, {
      options: this.options,
      trace: new ImapTrace(this.options.tracer, this.options.node, this.nextSessionId()),
      tlsContext: this.tlsContext,
      onClosed: (c) => this.forget(c),
    });
    this.connections.add(connection);
    connection.start();
  }

  private forget(connection: ImapConnection): void {
    this.connections.delete(connection);
  }
}
