import type { DeliveryChannel, DeliveryJob, RecipientOutcome } from '../../mta/delivery/channel.js';
import { sameOutcome } from '../../mta/delivery/channel.js';
import { deliverFinal, type FinalDeliveryContext } from '../final-delivery.js';

/**
 * `ims-ms` for an MTA that keeps its own mailboxes (the LAN server, an Internet
 * site): final delivery in process, into the store that holds the recipient's domain.
 */
export class LocalStoreChannel implements DeliveryChannel {
  readonly name = 'ims-ms';

  constructor(private readonly opts: { storeFor(address: string): FinalDeliveryContext | undefined; node: string }) {}

  async deliver(job: DeliveryJob): Promise<RecipientOutcome[]> {
    const outcomes: RecipientOutcome[] = [];
    for (const recipient of job.recipients) {
      const ctx = this.opts.storeFor(recipient.address);
      if (!ctx) {
        outcomes.push(
          ...sameOutcome({ ...job, recipients: [recipient] }, 'failed', `no mailbox for ${recipient.address}`, 550),
        );
        continue;
      }
      const [reply] = await deliverFinal(ctx, {
        sender: job.sender,
        recipients: [recipient.address],
        raw: job.raw,
        queueId: job.queueId,
        from: { helo: this.opts.node, address: '127.0.0.1' },
        protocol: 'local',
      });
      const status = reply!.code < 300 ? 'delivered' : reply!.code >= 500 ? 'failed' : 'deferred';
      outcomes.push({
        recipientId: recipient.recipientId,
        status,
        code: reply!.code,
        text: `${reply!.enhanced} ${reply!.text}`,
      });
    }
    return outcomes;
  }

  async close(): Promise<void> {}
}
