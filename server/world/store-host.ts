import type { Clock } from '../core/clock.js';
import { MailError } from '../core/mail-error.js';
import type { Tracer } from '../core/tracer.js';
import { SmtpServer } from '../mta/smtp/server.js';
import type { LmtpRecipientResult, SmtpSession } from '../mta/smtp/types.js';
import { MessageStore } from '../store/message-store.js';
import { deliverFinal } from './final-delivery.js';

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
 * A message store host: its SQLite store plus the LMTP listener the MTA delivers to
 * (final delivery itself is in final-delivery.ts, shared with MTAs that keep mailboxes).
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

  /** The LMTP listener alone (a "store down" fault closes it and brings it back). */
  get lmtpListener(): SmtpServer {
    return this.lmtp;
  }

  private deliverAll(session: SmtpSession, raw: Buffer): Promise<LmtpRecipientResult[]> {
    const envId = session.envelope.mailFrom?.params.ENVID;
    return deliverFinal(
      { name: this.opts.name, store: this.store, tracer: this.opts.tracer, clock: this.opts.clock },
      {
        sender: session.envelope.mailFrom?.address ?? '',
        recipients: session.envelope.rcptTo.map((r) => r.address),
        raw,
        queueId: typeof envId === 'string' ? envId : undefined,
        from: { helo: session.clientHostname, address: session.remoteAddress },
        protocol: 'LMTP',
      },
    );
  }
}
