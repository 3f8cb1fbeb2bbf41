/** Trace events for the renderer's unit tests, built like the world emits them. */
import type { TraceEvent, TraceKind, TracePayloads } from '../../server/api/trace.js';

export const MTA = 'mta.siroe.example';
export const LDAP = 'ldap.siroe.example';
export const STORE_B = 'mailboxb.siroe.example';
export const SMARTHOST = 'smarthost.siroe.example';

export class TraceBuilder {
  private seq = 0;
  private at = 1_800_000_000_000;

  event<K extends TraceKind>(
    kind: K,
    data: TracePayloads[K],
    envelope: { node?: string; from?: string; to?: string; traceId?: string; causedBy?: string; stepMs?: number } = {},
  ): TraceEvent<K> {
    this.seq += 1;
    this.at += envelope.stepMs ?? 10;
    const { stepMs: _stepMs, node = MTA, ...rest } = envelope;
    return { seq: this.seq, at: this.at, node, ...rest, kind, data } as TraceEvent<K>;
  }

  /** An inbound message for bob: SMTP session, verdict, queue, route, LMTP delivery. */
  inboundToBob(traceId: string, sessionId = 'smtp1'): TraceEvent[] {
    const t = { traceId };
    return [
      this.event('session.opened', {
        sessionId,
        protocol: 'smtp',
        remoteAddress: '127.0.0.1',
        remotePort: 5000,
        localPort: 2525,
      }),
      this.event('smtp.command', { sessionId, protocol: 'smtp', verb: 'MAIL', args: 'FROM:<erin@example.com>' }),
      this.event('smtp.reply', { sessionId, protocol: 'smtp', code: 250, enhanced: '2.1.0', text: 'Ok' }),
      this.event(
        'directory.searched',
        {
          base: 'o=siroe.example',
          scope: 'sub',
          filter: '(mail=bob@siroe.example)',
          purpose: 'rcpt check',
          entries: 1,
          dns: [],
          durationMs: 1,
        },
        { node: LDAP, from: MTA, to: LDAP, ...t },
      ),
      this.event('verdict.given', { queueId: traceId, spam: 'clean', virus: 'clean', score: 0, reasons: [] }, t),
      this.event(
        'message.accepted',
        { sessionId, queueId: traceId, sender: 'erin@example.com', recipients: ['bob@siroe.example'], sizeBytes: 400 },
        t,
      ),
      this.event(
        'message.queued',
        {
          queueId: traceId,
          sender: 'erin@example.com',
          recipients: ['bob@siroe.example'],
          sizeBytes: 400,
          source: 'smtp',
        },
        t,
      ),
      this.event('session.closed', { sessionId, protocol: 'smtp', reason: 'client' }),
      this.event(
        'route.resolved',
        {
          queueId: traceId,
          recipient: 'bob@siroe.example',
          originalRecipient: 'bob@siroe.example',
          route: 'store',
          host: STORE_B,
          channel: 'ims-ms',
          reason: 'mailHost',
        },
        t,
      ),
    ];
  }

  attempt(traceId: string, to: string, attempt: number, recipient = 'bob@siroe.example'): TraceEvent {
    return this.event(
      'delivery.attempted',
      { queueId: traceId, recipients: [recipient], channel: 'ims-ms', host: to, attempt },
      { from: MTA, to, traceId },
    );
  }

  storedAndDone(traceId: string): TraceEvent[] {
    const t = { traceId };
    return [
      this.event(
        'mailbox.stored',
        { address: 'bob@siroe.example', folder: 'INBOX', uid: 1, sizeBytes: 500, duplicate: false },
        { node: STORE_B, ...t },
      ),
      this.event(
        'delivery.succeeded',
        { queueId: traceId, recipient: 'bob@siroe.example', channel: 'ims-ms', host: STORE_B, code: 250, text: 'ok' },
        t,
      ),
      this.event('message.dequeued', { queueId: traceId, outcome: 'delivered' }, t),
    ];
  }
}
