import { MailError } from '../../core/mail-error.js';
import type { DeliveryChannel, DeliveryJob, RecipientOutcome } from './channel.js';
import { sameOutcome } from './channel.js';
import { SmtpClient } from '../smtp/client.js';
import { SmtpClientPool } from './smtp-client-pool.js';

/** Delivery connections to one store host at most. */
const LMTP_SESSIONS_PER_STORE = 16;

/**
 * `ims-ms`: delivery into a message store over LMTP (RFC 2033), which answers per
 * recipient after the data, so one recipient's full mailbox does not fail the rest.
 * The queue id travels as ENVID: the store uses it with the recipient as a
 * delivery key, which makes a redelivery after a crash harmless (exactly once).
 */
export class LmtpChannel implements DeliveryChannel {
  readonly name = 'ims-ms';
  private readonly pool: SmtpClientPool;
  private readonly timeoutMs: number;

  constructor(
    private readonly opts: {
      clientHostname: string;
      /** Where the store host's LMTP listener is, or undefined when it has none. */
      lmtpAddress: (host: string) => { host: string; port: number } | undefined;
      timeoutMs?: number;
    },
  ) {
    // The stores are our own: their connections may stay open a long while between
    // messages. Each delivery holds its connection while the store gathers a batch
    // (MessageStore batchWindowMs) and fsyncs it, so a store takes at most
    // LMTP_SESSIONS_PER_STORE messages per commit: with 8, persistent sessions were
    // held to ~790/s end to end by delivery alone; 16 gave ~970/s (npm run bench -- smtp).
    this.pool = new SmtpClientPool({ maxPerTarget: LMTP_SESSIONS_PER_STORE, idleMs: 5 * 60_000 });
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async deliver(job: DeliveryJob): Promise<RecipientOutcome[]> {
    const target = this.opts.lmtpAddress(job.host);
    if (!target) return sameOutcome(job, 'deferred', `store ${job.host} has no LMTP service`, 451);
    try {
      const result = await this.pool.withClient(
        `${target.host}:${target.port}`,
        () =>
          SmtpClient.connect({
            host: target.host,
            port: target.port,
            lmtp: true,
            clientHostname: this.opts.clientHostname,
            connectTimeoutMs: this.timeoutMs,
            commandTimeoutMs: this.timeoutMs,
          }),
        (client) =>
          client.send(
            {
              from: job.sender,
              fromParams: `ENVID=${job.queueId}`,
              to: job.recipients.map((r) => ({ address: r.address })),
            },
            job.raw,
          ),
      );
      return job.recipients.map((recipient, i) => {
        const reply = result.recipients[i];
        if (!reply)
          return { recipientId: recipient.recipientId, status: 'deferred', text: 'no reply for recipient', code: 451 };
        const text = [reply.enhanced, reply.text].filter(Boolean).join(' ');
        const status = reply.accepted ? 'delivered' : reply.code >= 500 ? 'failed' : 'deferred';
        return { recipientId: recipient.recipientId, status, code: reply.code, text };
      });
    } catch (err) {
      const error = MailError.from(err, 'ims-ms');
      return sameOutcome(job, 'deferred', `${job.host}: ${error.enhanced} ${error.publicText}`, error.code);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
