import type { Clock } from '../core/clock.js';
import { MailError } from '../core/mail-error.js';
import type { Tracer } from '../core/tracer.js';
import type { QueueStore } from '../queue/queue-store.js';
import type { QueuedMessage } from '../queue/types.js';
import type { RcptLookups } from './delivery/message-delivery.js';
import type { DeliveryHandoff } from './delivery/scheduler.js';
import { decodedSubject, prependHeaders, upstreamQueueId } from './headers.js';
import type { SmtpSession } from './smtp/types.js';
import type { IncomingMessage, MessageStage } from './stages/types.js';

/** What an MTA (the site's, or a host of the simulated world) needs to take a message in. */
export interface AcceptContext {
  node: string;
  tracer: Tracer;
  clock: Clock;
  queue: QueueStore;
  /** The delivery scheduler, which starts on a freshly committed message at once. */
  delivery: DeliveryHandoff;
}

/**
 * The end of DATA, for every MTA of the lab: run the stages (each may refuse by
 * throwing MailError), commit the message to the queue (fsync'd) and only then tell
 * the trace and the scheduler. The SMTP reply goes out after this resolves.
 */
export async function acceptMessage(
  ctx: AcceptContext,
  session: SmtpSession,
  raw: Buffer,
  opts: {
    queueId: string;
    source: string;
    stages: MessageStage[];
    /**
     * A last rewrite of the whole message, after every stage (the smarthost's DKIM
     * signature); `announce` is traced once the rewritten message is committed.
     */
    finish?: (raw: Buffer, queueId: string) => Promise<{ raw: Buffer; announce?: () => void }>;
    /** The directory entries RCPT found; the first delivery pass routes with them. */
    rcptLookups?: RcptLookups;
  },
): Promise<{ queueId: string }> {
  const { queueId } = opts;
  const message: IncomingMessage = {
    queueId,
    session,
    listener: opts.source === 'submission' ? 'submission' : 'smtp',
    raw,
    receivedAt: ctx.clock.now(),
    addHeaders: [],
  };
  for (const stage of opts.stages) await stage.run(message);
  const prepended = prependHeaders(raw, message.addHeaders);
  const finished = opts.finish ? await opts.finish(prepended, queueId) : { raw: prepended };
  const finalRaw = finished.raw;
  const sender = session.envelope.mailFrom?.address ?? '';
  const envId = session.envelope.mailFrom?.params.ENVID;
  const slot = message.hold ? undefined : ctx.delivery.reserve();
  let queued: QueuedMessage;
  try {
    queued = await ctx.queue.enqueue({
      queueId,
      traceId: queueId,
      sender,
      recipients: session.envelope.rcptTo.map((r) => ({
        address: r.address,
        notify: typeof r.params.NOTIFY === 'string' ? r.params.NOTIFY : undefined,
      })),
      raw: finalRaw,
      source: opts.source,
      origin: `${session.remoteAddress} [${session.clientHostname ?? 'unknown'}]`,
      receivedAt: message.receivedAt,
      envId: typeof envId === 'string' ? envId : undefined,
      hold: message.hold?.reason,
      deliveringNow: slot !== undefined,
    });
  } catch (err) {
    // A failed fsync after a good COMMIT leaves the message in the file: it is still
    // delivered (a duplicate, if the client sends again, beats a loss).
    slot?.release(queueId);
    throw MailError.from(err, 'queue');
  }
  let handedOver = false;
  try {
    announceAccepted(ctx, session, { queued, raw, finalRaw, source: opts.source, envId, announce: finished.announce });
    if (message.hold) {
      ctx.tracer.emit({
        kind: 'message.held',
        node: ctx.node,
        traceId: queueId,
        spanId: queueId,
        data: { queueId, reason: message.hold.reason },
      });
    } else if (slot) {
      slot.start({ message: queued, raw: finalRaw, rcptLookups: opts.rcptLookups });
      handedOver = true;
    } else {
      ctx.delivery.deliverNow(queued, finalRaw);
    }
  } finally {
    // Whatever failed after the commit, the committed message must not sit 'active' with nobody on it.
    if (slot && !handedOver) slot.release(queueId);
  }
  return { queueId };
}

/** message.accepted and message.queued, once the message is committed. */
function announceAccepted(
  ctx: AcceptContext,
  session: SmtpSession,
  m: { queued: QueuedMessage; raw: Buffer; finalRaw: Buffer; source: string; envId: unknown; announce?: () => void },
): void {
  const { queueId, sender } = m.queued;
  const recipients = session.envelope.rcptTo.map((r) => r.address);
  const envId = typeof m.envId === 'string' ? m.envId : undefined;
  const common = { node: ctx.node, traceId: queueId, spanId: queueId };
  const sizeBytes = m.finalRaw.length;
  const subject = decodedSubject(m.finalRaw);
  ctx.tracer.emit({
    kind: 'message.accepted',
    ...common,
    data: {
      sessionId: session.id,
      queueId,
      sender,
      recipients,
      sizeBytes,
      subject,
      envId,
      upstreamQueueId: upstreamQueueId(m.raw),
    },
  });
  m.announce?.();
  ctx.tracer.emit({
    kind: 'message.queued',
    ...common,
    data: { queueId, sender, recipients, sizeBytes, source: m.source, subject },
  });
}
