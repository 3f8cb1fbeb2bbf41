import type { TraceInput, TracePayloads } from '../../api/trace.js';
import type { Tracer } from '../../core/tracer.js';

type ImapEventKind = 'session.opened' | 'session.closed' | 'tls.started' | 'auth.succeeded' | 'auth.failed';

/**
 * The trace events of one IMAP session: session, TLS and login facts. Per-command
 * events would flood the diagram during a 10,000 message sync, so there are none yet.
 */
export class ImapTrace {
  constructor(
    private readonly tracer: Tracer,
    private readonly node: string,
    readonly sessionId: string,
  ) {}

  opened(remoteAddress: string, remotePort: number, localPort: number): void {
    const { sessionId } = this;
    this.emit('session.opened', { sessionId, protocol: 'imap', remoteAddress, remotePort, localPort });
  }

  closed(reason: string): void {
    this.emit('session.closed', { sessionId: this.sessionId, protocol: 'imap', reason });
  }

  tlsStarted(cipher: string | undefined): void {
    const data = { sessionId: this.sessionId, protocol: 'imap' as const };
    this.emit('tls.started', cipher ? { ...data, cipher } : data);
  }

  authSucceeded(mechanism: string, user: string): void {
    this.emit('auth.succeeded', { sessionId: this.sessionId, protocol: 'imap', mechanism, user });
  }

  authFailed(mechanism: string, user: string, reason: string): void {
    this.emit('auth.failed', { sessionId: this.sessionId, protocol: 'imap', mechanism, user, reason });
  }

  private emit<K extends ImapEventKind>(kind: K, data: TracePayloads[K]): void {
    this.tracer.emit({ kind, node: this.node, data } as TraceInput<K>);
  }
}
