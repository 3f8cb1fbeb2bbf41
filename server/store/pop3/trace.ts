import type { TraceInput, TracePayloads } from '../../api/trace.js';
import type { Tracer } from '../../core/tracer.js';
import type { LoginMechanism } from './types.js';

type Pop3EventKind = 'session.opened' | 'session.closed' | 'tls.started' | 'auth.succeeded' | 'auth.failed';

/**
 * The trace events of one POP3 session. Only session, TLS and login facts for now:
 * one event per RETR line (or even per command) would flood the diagram.
 */
export class Pop3Trace {
  constructor(
    private readonly tracer: Tracer,
    private readonly node: string,
    private readonly sessionId: string,
  ) {}

  opened(remoteAddress: string, remotePort: number, localPort: number): void {
    const { sessionId } = this;
    this.emit('session.opened', { sessionId, protocol: 'pop3', remoteAddress, remotePort, localPort });
  }

  closed(reason: string): void {
    this.emit('session.closed', { sessionId: this.sessionId, protocol: 'pop3', reason });
  }

  tlsStarted(cipher: string | undefined): void {
    const data = { sessionId: this.sessionId, protocol: 'pop3' as const };
    this.emit('tls.started', cipher ? { ...data, cipher } : data);
  }

  authSucceeded(mechanism: LoginMechanism, user: string): void {
    this.emit('auth.succeeded', { sessionId: this.sessionId, protocol: 'pop3', mechanism, user });
  }

  authFailed(mechanism: LoginMechanism, user: string, reason: string): void {
    this.emit('auth.failed', { sessionId: this.sessionId, protocol: 'pop3', mechanism, user, reason });
  }

  private emit<K extends Pop3EventKind>(kind: K, data: TracePayloads[K]): void {
    this.tracer.emit({ kind, node: this.node, data } as TraceInput<K>);
  }
}
