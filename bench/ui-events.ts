/** Synthetic trace events for the UI benchmark: the default world's node names, realistic shapes. */
import type { TraceEvent } from '../server/api/trace.js';

const MTA = 'mta.siroe.example';
const TARGETS = ['mailboxa.siroe.example', 'mailboxb.siroe.example', 'smarthost.siroe.example', 'eng.siroe.example'];

export class SyntheticTrace {
  private seq: number;
  private at = Date.now();

  /** Seqs above anything the real world has emitted, so the fold takes them all. */
  constructor(firstSeq = 1_000_000) {
    this.seq = firstSeq - 1;
  }

  private next(kind: string, data: unknown, extra: Partial<TraceEvent> = {}): TraceEvent {
    this.seq += 1;
    this.at += 1;
    return { seq: this.seq, at: this.at, node: MTA, kind, data, ...extra } as TraceEvent;
  }

  /** Two hops per message: the arrival at the MTA, then the router handing it on. */
  arrivals(count: number, prefix: string): TraceEvent[] {
    const events: TraceEvent[] = [];
    for (let i = 0; i < count; i++) {
      const traceId = `${prefix}_${i}`;
      const to = TARGETS[i % TARGETS.length]!;
      events.push(
        this.next(
          'message.accepted',
          {
            sessionId: `s${i}`,
            queueId: traceId,
            sender: 'erin@example.com',
            recipients: ['bob@siroe.example'],
            sizeBytes: 4096,
          },
          { traceId },
        ),
        this.next(
          'delivery.attempted',
          { queueId: traceId, recipients: ['bob@siroe.example'], channel: 'ims-ms', host: to, attempt: 1 },
          { traceId, from: MTA, to },
        ),
      );
    }
    return events;
  }

  /** Whole stories (session, lookup, verdict, queue, route, delivery, store) until `total` events. */
  stories(total: number, prefix: string): TraceEvent[] {
    const events: TraceEvent[] = [];
    for (let i = 0; events.length < total; i++) {
      const traceId = `${prefix}_${i}`;
      const sessionId = `${prefix}s${i}`;
      const host = TARGETS[i % 2]!;
      const rcpt = 'bob@siroe.example';
      const t = { traceId };
      events.push(
        this.next('session.opened', {
          sessionId,
          protocol: 'smtp',
          remoteAddress: '127.0.0.1',
          remotePort: 40000 + (i % 20000),
          localPort: 2525,
        }),
        this.next('smtp.command', { sessionId, protocol: 'smtp', verb: 'MAIL', args: 'FROM:<erin@example.com>' }),
        this.next('smtp.reply', { sessionId, protocol: 'smtp', code: 250, enhanced: '2.1.0', text: 'Ok' }),
        this.next(
          'directory.searched',
          {
            base: 'o=siroe.example',
            scope: 'sub',
            filter: `(mail=${rcpt})`,
            purpose: 'rcpt check',
            entries: 1,
            dns: [],
            durationMs: 1,
          },
          { ...t, node: 'ldap.siroe.example', from: MTA, to: 'ldap.siroe.example' },
        ),
        this.next('verdict.given', { queueId: traceId, spam: 'clean', virus: 'clean', score: 0, reasons: [] }, t),
        this.next(
          'message.accepted',
          { sessionId, queueId: traceId, sender: 'erin@example.com', recipients: [rcpt], sizeBytes: 4096 },
          t,
        ),
        this.next(
          'message.queued',
          { queueId: traceId, sender: 'erin@example.com', recipients: [rcpt], sizeBytes: 4096, source: 'smtp' },
          t,
        ),
        this.next('session.closed', { sessionId, protocol: 'smtp', reason: 'client' }),
        this.next(
          'route.resolved',
          {
            queueId: traceId,
            recipient: rcpt,
            originalRecipient: rcpt,
            route: 'store',
            host,
            channel: 'ims-ms',
            reason: 'mailHost',
          },
          t,
        ),
        this.next(
          'delivery.attempted',
          { queueId: traceId, recipients: [rcpt], channel: 'ims-ms', host, attempt: 1 },
          { ...t, from: MTA, to: host },
        ),
        this.next(
          'mailbox.stored',
          { address: rcpt, folder: 'INBOX', uid: i + 1, sizeBytes: 4200, duplicate: false },
          { ...t, node: host },
        ),
        this.next(
          'delivery.succeeded',
          { queueId: traceId, recipient: rcpt, channel: 'ims-ms', host, code: 250, text: 'ok' },
          t,
        ),
        this.next('message.dequeued', { queueId: traceId, outcome: 'delivered' }, t),
      );
    }
    return events.slice(0, total);
  }
}
