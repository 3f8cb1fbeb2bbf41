import type { WorldSettings } from '../api/world-spec.js';
import type { Clock } from '../core/clock.js';
import type { Tracer } from '../core/tracer.js';
import type { DirectoryClient } from '../directory/client.js';
import type { LabResolver } from '../dns/resolver.js';
import type { QueueStore } from '../queue/queue-store.js';
import type { DeliveryHandoff } from './delivery/scheduler.js';
import type { SiteDomains } from './address.js';

/** What the MTA's parts share; built once per world by the composition root. */
export interface MtaContext {
  /** Node id / host name of the MTA, e.g. mta.siroe.example. */
  node: string;
  hostname: string;
  settings: WorldSettings;
  siteDomains: SiteDomains;
  tracer: Tracer;
  clock: Clock;
  queue: QueueStore;
  directory: DirectoryClient;
  /** The lab's DNS: SPF, DKIM and DMARC checks of inbound mail, reverse lookups. */
  resolver: LabResolver;
  /** The delivery scheduler, which starts on a freshly committed message at once. */
  delivery: DeliveryHandoff;
}
