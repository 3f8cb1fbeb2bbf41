import { closeGracefully, ConnectionSet, listenOn } from '../../core/tcp-listener.js';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCounter } from '../../core/ids.js';
import { SmtpConnection } from './session.js';
import { SessionInfo } from './session-info.js';
import { SessionTrace } from './session-trace.js';
import type { SmtpServerOptions } from './types.js';

/** After "421 Service shutting down", how long a client may take to hang up. */
const SHUTDOWN_GRACE_MS = 500;

/**
 * An SMTP or LMTP listener. It speaks the protocol and nothing else: every decision
 * about senders, recipients and messages is made by the injected hooks.
 */
export class SmtpServer {
  private readonly server: Server;
  private readonly connections = new ConnectionSet<SmtpConnection>();
  private readonly nextSessionId: () => string;
  private readonly tlsContext?: SecureContext;

  constructor(private readonly options: SmtpServerOptions) {
    this.nextSessionId = createCounter(options.protocol);
    if (options.tls) this.tlsContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, port, host);
  }

  /** Stops listening, tells open sessions 421, and resolves when every socket is gone. */
  close(): Promise<void> {
    return closeGracefully(this.server, this.connections, SHUTDOWN_GRACE_MS);
  }

  private accept(socket: Socket): void {
    const { options } = this;
    const remoteAddress = socket.remoteAddress;
    if (!remoteAddress) {
      // Already gone between accept and now.
      socket.destroy();
      return;
    }
    const info = new SessionInfo(
      this.nextSessionId(),
      options.protocol,
      remoteAddress,
      socket.remotePort ?? 0,
      socket.localPort ?? 0,
      options.mode === 'lmtp',
    );
    const trace = new SessionTrace(
      options.tracer,
      options.node,
      info.id,
      options.protocol,
      options.traceCommands !== false,
    );
    const connection = new SmtpConnection(socket, {
      options,
      info,
      trace,
      tlsContext: this.tlsContext,
      onClosed: (c) => this.forget(c),
    });
    this.connections.add(connection);
    void connection.start();
  }

  private forget(connection: SmtpConnection): void {
    this.connections.delete(connection);
  }
}
