import type { Clock } from '../core/clock.js';
import { MailError } from '../core/mail-error.js';
import type { Tracer } from '../core/tracer.js';
import { headerBlock, headerValue, prependHeaders, rfc5322Date } from '../mta/headers.js';
import { SmtpServer } from '../mta/smtp/server.js';
import type { LmtpRecipientResult, SmtpSession } from '../mta/smtp/types.js';
import { MessageStore } from '../store/message-store.js';

export interface StoreHostOptions {
  name: string;
  dataFile: string;
  clock: Clock;
  tracer: Tracer;
  maxMessageSizeBytes: number;
  /** Mailboxes this store holds: address and login. */
  users: Array<{ address: string; login: string }>;
}

/**
 * A message store host: its SQLite store plus the LMTP listener the MTA delivers to.
 * Final delivery adds Return-Path and the last Received field (RFC 5321 §4.4), and
 * files messages the verdict step tagged as spam into Junk, as a Sieve rule would.
 */
export class StoreHost {
  readonly store: MessageStore;
  private readonly lmtp: SmtpServer;

  constructor(private readonly opts: StoreHostOptions) {
    this.store = MessageStore.open({ file: opts.dataFile, host: opts.name, clock: opts.clock });
    for (const user of opts.users) this.store.ensureUser(user.address, user.login);
    this.lmtp = new SmtpServer({
      mode: 'lmtp',
      protocol: 'lmtp',
      hostname: opts.name,
      node: opts.name,
      tracer: opts.tracer,
      greetingDelayMs: 0,
      maxMessageSizeBytes: opts.maxMessageSizeBytes + 64 * 1024,
      maxRecipients: 1000,
      traceCommands: false,
      hooks: {
        onRcptTo: async (_session, to) => {
          if (!this.store.hasUser(to.address)) {
            throw new MailError({
              code: 550,
              enhanced: '5.1.1',
              publicText: `<${to.address}>: no such mailbox here`,
              component: 'store',
            });
          }
        },
        onData: async (session, raw) => ({ recipients: await this.deliverAll(session, raw) }),
      },
    });
  }

  listen(port: number, host: string): Promise<number> {
    return this.lmtp.listen(port, host);
  }

  async close(): Promise<void> {
    await this.lmtp.close();
    this.store.close();
  }

  private async deliverAll(session: SmtpSession, raw: Buffer): Promise<LmtpRecipientResult[]> {
    const envId = session.envelope.mailFrom?.params.ENVID;
    const queueId = typeof envId === 'string' ? envId : undefined;
    const sender = session.envelope.mailFrom?.address ?? '';
    // The first X-Spam-Status is the lab's own (the verdict stage puts it above the
    // sender's headers), so a sender cannot steer mail into or out of Junk.
    const folder = headerValue(headerBlock(raw), 'X-Spam-Status')?.startsWith('Yes') ? 'Junk' : 'INBOX';
    return Promise.all(
      session.envelope.rcptTo.map(async ({ address }) => {
        const finalRaw = prependHeaders(raw, [
          `Return-Path: <${sender}>`,
          `Delivered-To: ${address}`,
          `Received: from ${session.clientHostname ?? 'unknown'} ([${session.remoteAddress}])\r\n` +
            `\tby ${this.opts.name} (Mailscope store) with LMTP${queueId ? ` id ${queueId}` : ''}\r\n` +
            `\tfor <${address}>; ${rfc5322Date(this.opts.clock.now())}`,
        ]);
        try {
          const stored = await this.store.deliver({
            address,
            folder,
            raw: finalRaw,
            dedupeKey: queueId ? `${queueId}:${address.toLowerCase()}` : undefined,
          });
          this.opts.tracer.emit({
            kind: 'mailbox.stored',
            node: this.opts.name,
            traceId: queueId,
            spanId: queueId,
            data: {
              address,
              folder: stored.folder,
              uid: stored.uid,
              sizeBytes: finalRaw.length,
              messageId: stored.messageId,
              duplicate: stored.duplicate,
            },
          });
          return {
            code: 250,
            enhanced: '2.0.0',
            text: `<${address}> delivered as uid ${stored.uid} in ${stored.folder}`,
          };
        } catch (err) {
          const error = MailError.from(err, 'store');
          return { code: error.code, enhanced: error.enhanced, text: error.publicText };
        }
      }),
    );
  }
}
