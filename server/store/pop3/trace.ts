import type { TraceInput, TracePayloads } from '../../api/trace.js';
import type { Tracer } from '../../core/tracer.js';
import type { LoginMechanism } from './types.js';

type Pop3EventKind =
  'session.opened' | 'session.closed' | 'tls.started' | 'auth.succeeded' | 'auth.failed' | 'mailbox.fetched';

/**
 * The trace events of one POP3 session: session, TLS and login facts, and one
 * `mailbox.fetched` per RETR / TOP (drawn store → proxy when a proxy named itself
 * with XCLIENT). No event per command: a download of 1,000 messages is 1,000 RETRs.
 */
export class Pop3Trace {
  /** The proxy in front of this session (the MMP), from XCLIENT. */
  peerNode?: string;

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

  /** After the message (or its top) was written to the client. */
  fetched(user: string, sizeBytes: number): void {
    const data = {
      sessionId: this.sessionId,
      protocol: 'pop3' as const,
      user,
      folder: 'INBOX',
      messages: 1,
      sizeBytes,
    };
    this.emit('mailbox.fetched', data, this.peerNode ? { from: this.node, to: this.peerNode } : {});
  }

  private emit<K extends Pop3EventKind>(
    kind: K,
    data: TracePayloads[K],
    link: { from?: string; to?: string } = {},
  ): void {
    this.tracer.emit({ kind, node: this.node, ...link, data } as TraceInput<K>);
  }
}
