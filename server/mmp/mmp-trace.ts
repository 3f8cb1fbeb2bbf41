import type { Protocol, TraceInput, TracePayloads } from '../api/trace.js';
import type { Tracer } from '../core/tracer.js';

type MmpEventKind =
  | 'session.opened'
  | 'session.closed'
  | 'tls.started'
  | 'auth.failed'
  | 'mmp.authenticated'
  | 'mmp.failed'
  | 'mmp.proxied';

/**
 * The trace events of one client connection to the MMP, IMAP or POP3 side. Nothing is
 * emitted per relayed command: after login the MMP only moves bytes, and the store
 * host reports what happens there. Passwords never appear in any event.
 */
export class MmpTrace<Mechanism extends string = string> {
  constructor(
    private readonly tracer: Tracer,
    private readonly node: string,
    private readonly sessionId: string,
    private readonly protocol: Extract<Protocol, 'imap' | 'pop3'>,
  ) {}

  opened(remoteAddress: string, remotePort: number, localPort: number): void {
    this.emit('session.opened', { ...this.ids(), remoteAddress, remotePort, localPort });
  }

  closed(reason: string): void {
    this.emit('session.closed', { ...this.ids(), reason });
  }

  tlsStarted(cipher: string | undefined): void {
    this.emit('tls.started', cipher ? { ...this.ids(), cipher } : this.ids());
  }

  authFailed(mechanism: Mechanism, user: string, reason: string): void {
    this.emit('auth.failed', { ...this.ids(), mechanism, user, reason });
  }

  authenticated(user: string, mailHost: string): void {
    this.emit('mmp.authenticated', { ...this.ids(), user, mailHost });
  }

  failed(user: string, reason: string): void {
    this.emit('mmp.failed', { ...this.ids(), user, reason });
  }

  /** client → MMP → store host: the link the diagram draws. */
  proxied(user: string, backend: string, backendPort: number): void {
    this.emit('mmp.proxied', { ...this.ids(), user, backend, backendPort }, backend);
  }

  private ids() {
    return { sessionId: this.sessionId, protocol: this.protocol };
  }

  private emit<K extends MmpEventKind>(kind: K, data: TracePayloads[K], to?: string): void {
    const input = to ? { kind, node: this.node, from: this.node, to, data } : { kind, node: this.node, data };
    this.tracer.emit(input as TraceInput<K>);
  }
}
