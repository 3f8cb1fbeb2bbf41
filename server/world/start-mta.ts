import type { SmtpHostBasics } from './host-basics.js';
import { mayAccessMailbox } from '../directory/mail-user-status.js';
import type { HostSpec, ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { isLoopback } from '../core/net-address.js';
import type { DirectoryClient } from '../directory/client.js';
import { SiteDomains } from '../mta/address.js';
import { LmtpChannel } from '../mta/delivery/lmtp-channel.js';
import { SmtpChannel } from '../mta/delivery/smtp-channel.js';
import type { LabResolver } from '../dns/resolver.js';
import { withFaultHooks } from './fault-hooks.js';
import type { Restartable } from './switchboard.js';
import { DeliveryScheduler } from '../mta/delivery/scheduler.js';
import { Bouncer } from '../mta/dsn/bouncer.js';
import { createListenerHooks, type MtaListener } from '../mta/listener-hooks.js';
import type { MtaContext } from '../mta/mta-context.js';
import { Router } from '../mta/router.js';
import { SmtpServer } from '../mta/smtp/server.js';
import type { QueueStore } from '../queue/queue-store.js';

export interface MtaParts {
  scheduler: DeliveryScheduler;
  bouncer: Bouncer;
  context: MtaContext;
}

export interface StartMtaOptions extends SmtpHostBasics {
  spec: WorldSpec;
  host: HostSpec;
  queue: QueueStore;
  directory: DirectoryClient;
  lmtpAddress: (host: string) => { host: string; port: number } | undefined;
  /** The SMTP port of a host of the world (the LAN server, the smarthost). */
  smtpPortOf: (host: string) => number | undefined;
  listen: (protocol: ServiceProtocol, server: Restartable) => Promise<number | undefined>;
  lifecycle: Lifecycle;
}

/** The site MTA: inbound (MX) and submission listeners, router, channels, scheduler. */
export async function startMta(opts: StartMtaOptions): Promise<MtaParts> {
  const { spec, settings, host, clock, tracer, queue, directory, lifecycle } = opts;
  const siteDomains = new SiteDomains(spec.site.domains);
  const router = new Router({ directory, siteDomains, hosts: spec.hosts });
  // The LAN server and the smarthost are found the way real MTAs find a relay host: by DNS.
  const relay = (name: string) =>
    new SmtpChannel({
      name,
      mode: 'relay',
      clientHostname: host.name,
      node: host.name,
      resolver: opts.resolver,
      portFor: opts.smtpPortOf,
      tls: { rejectUnauthorized: false },
    });
  const channels = {
    'ims-ms': new LmtpChannel({ clientHostname: host.name, lmtpAddress: opts.lmtpAddress }),
    tcp_intranet: relay('tcp_intranet'),
    tcp_local: relay('tcp_local'),
  };
  lifecycle.add('delivery channels', async () => {
    await Promise.all(Object.values(channels).map((c) => c.close()));
  });
  // The scheduler is created below; the bouncer wakes it through this late binding.
  const bouncer = new Bouncer({ queue, tracer, clock, reportingMta: host.name, kick: () => scheduler.kick() });
  const scheduler: DeliveryScheduler = new DeliveryScheduler({
    node: host.name,
    bouncer,
    queue,
    clock,
    tracer,
    router,
    channels,
    retryScheduleMinutes: () => settings.retryScheduleMinutes,
    delayWarningMinutes: () => settings.delayWarningMinutes,
  });
  lifecycle.add('delivery scheduler', () => scheduler.stop());

  const context: MtaContext = {
    node: host.name,
    hostname: host.name,
    settings,
    siteDomains,
    tracer,
    clock,
    queue,
    directory,
    resolver: opts.resolver,
    delivery: scheduler,
  };
  const authenticate = async (login: string, password: string, remoteAddress: string) => {
    const user = await directory.authenticate(login, password, 'SMTP AUTH');
    // A disabled account may not send, even with the right password.
    if (!user || !mayAccessMailbox(user.status)) return undefined;
    // The lab's "password = user name" accounts are for this machine only: with --bind
    // on a LAN they must not let anybody relay through the lab.
    if (password === user.uid && !isLoopback(remoteAddress)) return undefined;
    return user.mail;
  };

  for (const listener of ['smtp', 'submission'] as MtaListener[]) {
    const server = new SmtpServer({
      mode: 'smtp',
      protocol: listener,
      hostname: host.name,
      node: host.name,
      tracer,
      hooks: withFaultHooks(createListenerHooks(context, listener, authenticate), host.name, opts.faults),
      reverseLookup: settings.reverseLookup ? (address) => reverseName(opts.resolver, host.name, address) : undefined,
      greetingDelayMs: settings.greetingDelayMs,
      maxMessageSizeBytes: settings.maxMessageSizeBytes,
      maxRecipients: settings.maxRecipients,
      tls: opts.tls,
      // AUTH only on submission (RFC 6409), and in clear text only from this machine.
      auth:
        listener === 'submission'
          ? { methods: ['PLAIN', 'LOGIN'], required: true, allowInsecure: (address) => isLoopback(address) }
          : undefined,
    });
    const port = await opts.listen(listener, server);
    if (port !== undefined) lifecycle.add(`MTA ${listener} listener`, () => server.close());
  }
  return { scheduler, bouncer, context };
}

/** The SMTP client's name from the lab's DNS (PTR), for the Received field; undefined when it has none. */
async function reverseName(resolver: LabResolver, node: string, address: string): Promise<string | undefined> {
  const names = await resolver
    .reverse(address.replace(/^::ffff:/, ''), { callerNode: node, purpose: `PTR for ${address}` })
    .catch(() => []);
  return names[0];
}
