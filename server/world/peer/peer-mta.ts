import type { SmtpHostBasics } from '../host-basics.js';
import { join } from 'node:path';
import type { HostSpec } from '../../api/world-spec.js';
import { newQueueId } from '../../core/ids.js';
import type { Lifecycle } from '../../core/lifecycle.js';
import { MailError } from '../../core/mail-error.js';
import { isLoopback } from '../../core/net-address.js';
import { acceptMessage, type AcceptContext } from '../../mta/accept-message.js';
import { domainOf } from '../../mta/address.js';
import { SmtpChannel } from '../../mta/delivery/smtp-channel.js';
import { DeliveryScheduler } from '../../mta/delivery/scheduler.js';
import { Bouncer } from '../../mta/dsn/bouncer.js';
import { decodedSubject, prependHeaders, rfc5322Date } from '../../mta/headers.js';
import { SmtpServer } from '../../mta/smtp/server.js';
import type { SmtpHooks, SmtpSession } from '../../mta/smtp/types.js';
import { receivedHeaderStage } from '../../mta/stages/received-header.js';
import { QueueStore } from '../../queue/queue-store.js';
import type { FinalDeliveryContext } from '../final-delivery.js';
import type { SignFunction } from '../dkim-keys.js';
import { withFaultHooks } from '../../mta/fault-hooks.js';
import type { Restartable } from '../../core/tcp-listener.js';
import { LocalStoreChannel } from './local-channel.js';
import { PeerRouter } from './peer-router.js';

export interface PeerMtaOptions extends SmtpHostBasics {
  host: HostSpec;
  dataDir: string;
  /** Domains whose mail ends here, and the store that holds each recipient. */
  localDomains: string[];
  storeFor(address: string): FinalDeliveryContext | undefined;
  /** Relay host for everything not local (the LAN server uses the smarthost). */
  smarthost?: string;
  /** Reached by MX even when a smarthost is set. */
  directDomains?: string[];
  /** Whether this host relays for clients on this machine (the smarthost does). */
  relaysForLoopback: boolean;
  /** Signs mail leaving through this host (the smarthost for the site, an Internet site for its domain). */
  sign?: SignFunction;
  /**
   * Sign what arrives over SMTP too (the smarthost relays the site's mail). An Internet
   * MX signs only what its own users submit: mail it receives is not its to vouch for.
   */
  signRelayed?: boolean;
  /** Where a host of the world listens for SMTP (every simulated host is 127.0.0.1, each on its own port). */
  smtpPortOf(host: string): number | undefined;
  connectTimeoutMs?: number;
  lifecycle: Lifecycle;
}

/**
 * A messaging host of the simulated world — the LAN server, the smarthost or an
 * Internet site's MX: an SMTP listener, a durable queue of its own with the same
 * scheduler, retries and bounces as the site MTA, a router without a directory, and
 * channels to its mailboxes or, by DNS, to other hosts' SMTP.
 */
export class PeerMta {
  readonly name: string;
  readonly queue: QueueStore;
  readonly scheduler: DeliveryScheduler;
  readonly bouncer: Bouncer;
  readonly server: SmtpServer;
  readonly role: HostSpec['role'];
  readonly localDomains: Set<string>;
  private readonly accept: AcceptContext;

  constructor(private readonly opts: PeerMtaOptions) {
    const { host, clock, tracer, lifecycle } = opts;
    this.name = host.name;
    this.role = host.role;
    this.localDomains = new Set(opts.localDomains.map((d) => d.toLowerCase()));
    this.queue = QueueStore.open({ file: join(opts.dataDir, 'hosts', `${host.name}.queue.sqlite`), clock });
    lifecycle.add(`${host.name} queue`, () => this.queue.close());
    this.queue.recover();

    const router = new PeerRouter({
      self: host.name,
      localDomains: this.localDomains,
      hasMailbox: (address) => opts.storeFor(address)?.store.hasUser(address) ?? false,
      smarthost: opts.smarthost,
      directDomains: new Set((opts.directDomains ?? []).map((d) => d.toLowerCase())),
    });
    const smtpOut = (name: string, mode: 'mx' | 'relay') =>
      new SmtpChannel({
        name,
        mode,
        clientHostname: host.name,
        node: host.name,
        resolver: opts.resolver,
        portFor: opts.smtpPortOf,
        connectTimeoutMs: opts.connectTimeoutMs,
        tls: { rejectUnauthorized: false },
      });
    const channels = {
      'ims-ms': new LocalStoreChannel({ storeFor: opts.storeFor, node: host.name }),
      tcp_intranet: smtpOut('tcp_intranet', 'mx'),
      tcp_local: smtpOut('tcp_local', opts.smarthost ? 'relay' : 'mx'),
    };
    lifecycle.add(`${host.name} channels`, async () => {
      await Promise.all(Object.values(channels).map((c) => c.close()));
    });
    const bouncer = new Bouncer({
      queue: this.queue,
      tracer,
      clock,
      reportingMta: host.name,
      kick: () => this.scheduler.kick(),
    });
    this.bouncer = bouncer;
    this.scheduler = new DeliveryScheduler({
      node: host.name,
      bouncer,
      queue: this.queue,
      clock,
      tracer,
      router,
      channels,
      retryScheduleMinutes: () => opts.settings.retryScheduleMinutes,
      delayWarningMinutes: () => opts.settings.delayWarningMinutes,
    });
    lifecycle.add(`${host.name} scheduler`, () => this.scheduler.stop());
    this.accept = {
      node: host.name,
      tracer,
      clock,
      queue: this.queue,
      delivery: this.scheduler,
    };
    this.server = new SmtpServer({
      mode: 'smtp',
      protocol: 'smtp',
      hostname: host.name,
      node: host.name,
      tracer,
      hooks: withFaultHooks(this.hooks(), host.name, opts.faults),
      greetingDelayMs: 0,
      maxMessageSizeBytes: opts.settings.maxMessageSizeBytes,
      maxRecipients: opts.settings.maxRecipients,
      tls: opts.tls,
    });
  }

  /** The SMTP listener, for the world to start (and a "down" fault to stop and restart). */
  get listener(): Restartable {
    return this.server;
  }

  /**
   * A message written on this host by one of its own users (the UI's "send from the
   * Internet"): it enters this host's queue as if from its submission service, signed
   * when the host signs, and leaves by MX like any other.
   */
  async submit(input: { sender: string; recipients: string[]; raw: Buffer }): Promise<string> {
    const queueId = newQueueId();
    const now = this.opts.clock.now();
    const received = prependHeaders(input.raw, [
      `Received: from localhost ([127.0.0.1])\r\n\tby ${this.name} (Mailscope) with ESMTPSA id ${queueId};\r\n\t${rfc5322Date(now)}`,
    ]);
    const signed = this.opts.sign ? await this.opts.sign(received, queueId) : { raw: received };
    const raw = signed.raw;
    const queued = await this.queue.enqueue({
      queueId,
      traceId: queueId,
      sender: input.sender,
      recipients: input.recipients.map((address) => ({ address })),
      raw,
      source: 'local',
      origin: `${this.name} [local user]`,
      receivedAt: now,
    });
    const common = { node: this.name, traceId: queueId, spanId: queueId };
    signed.announce?.();
    this.opts.tracer.emit({
      kind: 'message.queued',
      ...common,
      data: {
        queueId,
        sender: input.sender,
        recipients: input.recipients,
        sizeBytes: raw.length,
        source: 'local',
        subject: decodedSubject(raw),
      },
    });
    this.scheduler.deliverNow(queued, raw);
    return queueId;
  }

  private hooks(): SmtpHooks {
    const ids = new WeakMap<SmtpSession, string>();
    const stages = [receivedHeaderStage(this.name)];
    return {
      onMailFrom: async (session) => {
        ids.set(session, newQueueId());
      },
      onRcptTo: async (session, to) => this.checkRecipient(session, to.address),
      onData: async (session, raw) => {
        const queueId = ids.get(session) ?? newQueueId();
        ids.delete(session);
        const finish = this.opts.signRelayed ? this.opts.sign : undefined;
        return acceptMessage(this.accept, session, raw, { queueId, source: 'smtp', stages, finish });
      },
    };
  }

  private async checkRecipient(session: SmtpSession, address: string): Promise<void> {
    if (this.localDomains.has(domainOf(address))) {
      if (this.opts.storeFor(address)?.store.hasUser(address)) return;
      throw new MailError({
        code: 550,
        enhanced: '5.1.1',
        publicText: `<${address}>: Recipient address rejected: User unknown`,
        component: this.name,
      });
    }
    if (this.opts.relaysForLoopback && isLoopback(session.remoteAddress)) return;
    throw new MailError({
      code: 554,
      enhanced: '5.7.1',
      publicText: `<${address}>: Relay access denied`,
      component: this.name,
    });
  }
}
