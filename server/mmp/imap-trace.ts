import type { TraceInput, TracePayloads } from '../api/trace.js';
import type { Tracer } from '../core/tracer.js';
import type { MmpImapLoginMechanism } from './imap-types.js';

type MmpEventKind =
  | 'session.opened'
  | 'session.closed'
  | 'tls.started'
  | 'auth.failed'
  | 'mmp.authenticated'
  | 'mmp.failed'
  | 'mmp.proxied';

/**
 * The trace events of one client connection to the MMP's IMAP side. Nothing is
 * emitted per relayed command: after login the MMP only moves bytes, and the store
 * host reports what happens there. Passwords never appear in any event.
 */
export class MmpImapTrace {
  constructor(
    private readonly tracer: Tracer,
    private readonly node: string,
    private readonly sessionId: string,
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

  authFailed(mechanism: MmpImapLoginMechanism, user: string, reason: string): void {
    this.emit('auth.failed', { sessionId: this.sessionId, protocol: 'imap', mechanism, user, reason });
  }

  authenticated(user: string, mailHost: string): void {
    this.emit('mmp.authenticated', { sessionId: this.sessionId, protocol: 'imap', user, mailHost });
  }

  failed(user: string, reason: string): void {
    this.emit('mmp.failed', { sessionId: this.sessionId, protocol: 'imap', user, reason });
  }

  /** client → MMP → store host: the link the diagram draws. */
  proxied(user: string, backend: string, backendPort: number): void {
    const data = { sessionId: this.sessionId, protocol: 'imap' as const, user, backend, backendPort };
    this.emit('mmp.proxied', data, backend);
  }

  private emit<K extends MmpEventKind>(kind: K, data: TracePayloads[K], to?: string): void {
    const input = to ? { kind, node: this.node, from: this.node, to, data } : { kind, node: this.node, data };
    this.tracer.emit(input as TraceInput<K>);
  }
}
