import type { DeliveryChannel, DeliveryJob, RecipientOutcome } from './channel.js';
import { sameOutcome } from './channel.js';

/**
 * A channel whose far end is not running in this world (for example the LAN
 * messaging server or the smarthost before they are started). Mail for it is not
 * dropped: it stays queued, deferred with a reason that says exactly why.
 */
export class UnavailableChannel implements DeliveryChannel {
  constructor(
    readonly name: string,
    private readonly why: (host: string) => string,
  ) {}

  async deliver(job: DeliveryJob): Promise<RecipientOutcome[]> {
    return sameOutcome(job, 'deferred', this.why(job.host), 451);
  }

  async close(): Promise<void> {}
}
