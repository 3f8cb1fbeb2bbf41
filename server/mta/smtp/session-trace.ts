import type { Protocol, TraceInput, TracePayloads } from '../../api/trace.js';
import type { Tracer } from '../../core/tracer.js';

type SessionEventKind =
  | 'session.opened'
  | 'session.closed'
  | 'smtp.command'
  | 'smtp.reply'
  | 'tls.started'
  | 'auth.succeeded'
  | 'auth.failed';

/**
 * The trace events of one SMTP/LMTP session. Command and reply events can be
 * switched off (`traceCommands: false`) for busy listeners; session, TLS and AUTH
 * facts are always reported.
 */
export class SessionTrace {
  constructor(
    private readonly tracer: Tracer,
    private readonly node: string,
    private readonly sessionId: string,
    private readonly protocol: Protocol,
    private readonly traceCommands: boolean,
  ) {}

  opened(remoteAddress: string, remotePort: number, localPort: number): void {
    const { sessionId, protocol } = this;
    this.emitData('session.opened', { sessionId, protocol, remoteAddress, remotePort, localPort });
  }

  closed(reason: string): void {
    this.emitData('session.closed', { sessionId: this.sessionId, protocol: this.protocol, reason });
  }

  command(verb: string, args: string): void {
    if (!this.traceCommands) return;
    this.emitData('smtp.command', { sessionId: this.sessionId, protocol: this.protocol, verb, args });
  }

  reply(code: number, enhanced: string | undefined, text: string): void {
    if (!this.traceCommands) return;
    const data = { sessionId: this.sessionId, protocol: this.protocol, code, text };
    this.emitData('smtp.reply', enhanced ? { ...data, enhanced } : data);
  }

  tlsStarted(cipher: string | undefined): void {
    const data = { sessionId: this.sessionId, protocol: this.protocol };
    this.emitData('tls.started', cipher ? { ...data, cipher } : data);
  }

  authSucceeded(mechanism: string, user: string): void {
    this.emitData('auth.succeeded', { sessionId: this.sessionId, protocol: this.protocol, mechanism, user });
  }

  authFailed(mechanism: string, user: string, reason: string): void {
    const { sessionId, protocol } = this;
    this.emitData('auth.failed', { sessionId, protocol, mechanism, user, reason });
  }

  private emitData<K extends SessionEventKind>(kind: K, data: TracePayloads[K]): void {
    this.tracer.emit({ kind, node: this.node, data } as TraceInput<K>);
  }
}
