import type { HostSpec, ServiceProtocol, WorldSettings, WorldSpec } from '../api/world-spec.js';
import type { Clock } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { isLoopback } from '../core/net-address.js';
import type { TlsMaterial } from '../core/tls-cert.js';
import type { Tracer } from '../core/tracer.js';
import type { DirectoryClient } from '../directory/client.js';
import { SiteDomains } from '../mta/address.js';
import { LmtpChannel } from '../mta/delivery/lmtp-channel.js';
import { DeliveryScheduler } from '../mta/delivery/scheduler.js';
import { Bouncer } from '../mta/dsn/bouncer.js';
import { UnavailableChannel } from '../mta/delivery/unavailable-channel.js';
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

export interface StartMtaOptions {
  spec: WorldSpec;
  settings: WorldSettings;
  host: HostSpec;
  clock: Clock;
  tracer: Tracer;
  queue: QueueStore;
  directory: DirectoryClient;
  tls: TlsMaterial;
  lmtpAddress: (host: string) => { host: string; port: number } | undefined;
  listen: (protocol: ServiceProtocol, start: (port: number) => Promise<number>) => Promise<number | undefined>;
  lifecycle: Lifecycle;
}

/** The site MTA: inbound (MX) and submission listeners, router, channels, scheduler. */
export async function startMta(opts: StartMtaOptions): Promise<MtaParts> {
  const { spec, settings, host, clock, tracer, queue, directory, lifecycle } = opts;
  const siteDomains = new SiteDomains(spec.site.domains);
  const router = new Router({ directory, siteDomains, hosts: spec.hosts });
  const notRunning = (what: string) => (target: string) =>
    `${what} ${target} is not running in this world yet; the message stays queued and will be retried`;
  const channels = {
    'ims-ms': new LmtpChannel({ clientHostname: host.name, lmtpAddress: opts.lmtpAddress }),
    tcp_intranet: new UnavailableChannel('tcp_intranet', notRunning('the LAN messaging server')),
    tcp_local: new UnavailableChannel('tcp_local', notRunning('the smarthost')),
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
    deliverNow: (message, raw) => scheduler.deliverNow(message, raw),
  };
  const authenticate = async (login: string, password: string, remoteAddress: string) => {
    const user = await directory.authenticate(login, password, 'SMTP AUTH');
    // A disabled account may not send, even with the right password.
    if (!user || user.status === 'inactive') return undefined;
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
      hooks: createListenerHooks(context, listener, authenticate),
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
    const port = await opts.listen(listener, (p) => server.listen(p, settings.bindAddress));
    if (port !== undefined) lifecycle.add(`MTA ${listener} listener`, () => server.close());
  }
  return { scheduler, bouncer, context };
}
