import type { HostSpec, ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { WorldTracer } from '../core/tracer.js';
import type { DirectoryClient, DirectoryClientOptions } from '../directory/client.js';
import { SiteDomains } from '../mta/address.js';
import { LmtpChannel } from '../mta/delivery/lmtp-channel.js';
import { DeliveryScheduler } from '../mta/delivery/scheduler.js';
import { SmtpChannel } from '../mta/delivery/smtp-channel.js';
import { Bouncer } from '../mta/dsn/bouncer.js';
import { Router } from '../mta/router.js';
import type { QueueStore } from '../queue/queue-store.js';
import type { SmtpHostBasics } from './host-basics.js';
import { startMtaListeners } from './start-mta-listeners.js';
import type { Restartable } from '../core/tcp-listener.js';

export interface MtaParts {
  scheduler: DeliveryScheduler;
  bouncer: Bouncer;
}

export interface StartMtaOptions extends SmtpHostBasics {
  tracer: WorldTracer;
  spec: WorldSpec;
  host: HostSpec;
  queue: QueueStore;
  /** Routing at delivery time searches the directory through this client. */
  directory: DirectoryClient;
  /** The listener thread opens a directory connection of its own with these. */
  directoryOptions: Omit<DirectoryClientOptions, 'tracer'>;
  lmtpAddress: (host: string) => { host: string; port: number } | undefined;
  /** The SMTP port of a host of the world (the LAN server, the smarthost). */
  smtpPortOf: (host: string) => number | undefined;
  listen: (protocol: ServiceProtocol, server: Restartable) => Promise<number | undefined>;
  lifecycle: Lifecycle;
}

/** The site MTA: router, channels, scheduler, and the inbound (MX) and submission listeners on their thread. */
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

  await startMtaListeners({
    ...opts,
    accept: { node: host.name, tracer, clock, queue, delivery: scheduler },
    directory: opts.directoryOptions,
  });
  return { scheduler, bouncer };
}
