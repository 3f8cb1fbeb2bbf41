import type { WorldSettings } from '../api/world-spec.js';
import type { Clock } from '../core/clock.js';
import type { Tracer } from '../core/tracer.js';
import type { DirectoryClient } from '../directory/client.js';
import type { LabResolver } from '../dns/resolver.js';
import type { PreparedMessage, SessionFacts } from './accept-message.js';
import type { SiteDomains } from './address.js';

/**
 * What the site MTA's SMTP listeners need. They run on a thread of their own, so the
 * queue is not here: a message that passed the stages goes to `commit`, which runs
 * where the queue is (see start-mta-listeners.ts).
 */
export interface ListenerContext {
  /** Node id and host name of the MTA (they are the same), e.g. mta.siroe.example. */
  node: string;
  settings: WorldSettings;
  siteDomains: SiteDomains;
  tracer: Tracer;
  clock: Pick<Clock, 'now'>;
  directory: DirectoryClient;
  /** The lab's DNS: SPF, DKIM and DMARC checks of inbound mail, reverse lookups. */
  resolver: LabResolver;
  /** Commit to the queue (fsync'd) and hand over to delivery; resolves when the 250 may go out. */
  commit(session: SessionFacts, prepared: PreparedMessage): Promise<{ queueId: string }>;
}
