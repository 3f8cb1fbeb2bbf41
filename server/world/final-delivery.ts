import type { Clock } from '../core/clock.js';
import { MailError } from '../core/mail-error.js';
import type { Tracer } from '../core/tracer.js';
import { headerBlock, headerValue, prependHeaders, rfc5322Date } from '../mta/headers.js';
import type { MessageStore } from '../store/message-store.js';

export interface FinalDeliveryContext {
  /** The store host's name: trace node and the `by` of the last Received field. */
  name: string;
  store: MessageStore;
  tracer: Tracer;
  clock: Clock;
}

export interface FinalDelivery {
  sender: string;
  recipients: string[];
  raw: Buffer;
  /** The queue id of the MTA that hands it over: with the recipient it makes delivery exactly-once. */
  queueId?: string;
  /** Who handed it over, for the Received field. */
  from: { helo?: string; address: string };
  /** How: 'LMTP' from the site MTA, 'local' inside an MTA that keeps its own mailboxes. */
  protocol: string;
}

export interface FinalReply {
  code: number;
  enhanced: string;
  text: string;
}

/**
 * The last hop of every message: into the mailbox. Adds Return-Path, Delivered-To
 * and the last Received field (RFC 5321 §4.4), and files mail the lab's verdict step
 * sent to Junk (X-Mailscope-Verdict: junk) there, as a Sieve rule would. One reply per recipient.
 */
export function deliverFinal(ctx: FinalDeliveryContext, delivery: FinalDelivery): Promise<FinalReply[]> {
  const { queueId, sender } = delivery;
  // The first X-Mailscope-Verdict is the lab's own (the verdict stage puts it above
  // the sender's headers), so a sender cannot steer mail into or out of Junk.
  const verdict = headerValue(headerBlock(delivery.raw), 'X-Mailscope-Verdict')?.trim().toLowerCase();
  const folder = verdict === 'junk' ? 'Junk' : 'INBOX';
  return Promise.all(
    delivery.recipients.map(async (address): Promise<FinalReply> => {
      const finalRaw = prependHeaders(delivery.raw, [
        `Return-Path: <${sender}>`,
        `Delivered-To: ${address}`,
        `Received: from ${delivery.from.helo ?? 'unknown'} ([${delivery.from.address}])\r\n` +
          `\tby ${ctx.name} (Mailscope store) with ${delivery.protocol}${queueId ? ` id ${queueId}` : ''}\r\n` +
          `\tfor <${address}>; ${rfc5322Date(ctx.clock.now())}`,
      ]);
      try {
        const stored = await ctx.store.deliver({
          address,
          folder,
          raw: finalRaw,
          dedupeKey: queueId ? `${queueId}:${address.toLowerCase()}` : undefined,
        });
        ctx.tracer.emit({
          kind: 'mailbox.stored',
          node: ctx.name,
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
