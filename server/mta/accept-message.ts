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
  /** The delivery scheduler, which starts on a freshly committed message on the next loop turn. */
  delivery: DeliveryHandoff;
}

/** The facts of the SMTP session that the queue records (plain data: it may come from a listener thread). */
export type SessionFacts = Pick<SmtpSession, 'id' | 'remoteAddress' | 'clientHostname' | 'envelope'>;

/**
 * A message that passed every stage and is ready for the queue. Plain data, so a
 * listener on a thread of its own can hand it to the queue's thread.
 */
export interface PreparedMessage {
  queueId: string;
  source: string;
  /** The message as it will be queued, with the stages' header fields. */
  raw: Uint8Array;
  receivedAt: number;
  /** Set when a stage quarantined it: queued held, with this reason. */
  hold?: { reason: string };
  subject?: string;
  /** The queue id the previous hop named in its Received field, for the trace. */
  upstreamQueueId?: string;
  /** The directory entries RCPT found; the first delivery pass routes with them. */
  rcptLookups?: RcptLookups;
}

export interface PrepareOptions {
  queueId: string;
  source: string;
  stages: MessageStage[];
  /**
   * A last rewrite of the whole message, after every stage (the smarthost's DKIM
   * signature); `announce` is traced once the rewritten message is committed.
   */
  finish?: (raw: Buffer, queueId: string) => Promise<{ raw: Buffer; announce?: () => void }>;
  rcptLookups?: RcptLookups;
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
  opts: PrepareOptions,
): Promise<{ queueId: string }> {
  const { prepared, announce } = await prepareMessage(ctx.clock, session, raw, opts);
  return commitMessage(ctx, session, prepared, announce);
}

/** The first half of acceptMessage: the stages, which may refuse. Touches no queue. */
export async function prepareMessage(
  clock: Pick<Clock, 'now'>,
  session: SmtpSession,
  raw: Buffer,
  opts: PrepareOptions,
): Promise<{ prepared: PreparedMessage; announce?: () => void }> {
  const { queueId } = opts;
  const message: IncomingMessage = {
    queueId,
    session,
    listener: opts.source === 'submission' ? 'submission' : 'smtp',
    raw,
    receivedAt: clock.now(),
    addHeaders: [],
  };
  for (const stage of opts.stages) await stage.run(message);
  const prepended = prependHeaders(raw, message.addHeaders);
  const finished = opts.finish ? await opts.finish(prepended, queueId) : { raw: prepended };
  const prepared: PreparedMessage = {
    queueId,
    source: opts.source,
    raw: finished.raw,
    receivedAt: message.receivedAt,
    hold: message.hold,
    subject: decodedSubject(finished.raw),
    upstreamQueueId: upstreamQueueId(raw),
    rcptLookups: opts.rcptLookups,
  };
  return { prepared, announce: finished.announce };
}

/**
 * The second half: commit to the queue (fsync'd), then tell the trace and hand the
 * message to delivery. Runs where the queue lives.
 */
export async function commitMessage(
  ctx: AcceptContext,
  session: SessionFacts,
  prepared: PreparedMessage,
  announce?: () => void,
): Promise<{ queueId: string }> {
  const { queueId, hold } = prepared;
  // A Uint8Array that crossed from a listener thread becomes a Buffer again without a copy.
  const raw = Buffer.isBuffer(prepared.raw)
    ? prepared.raw
    : Buffer.from(prepared.raw.buffer, prepared.raw.byteOffset, prepared.raw.byteLength);
  const sender = session.envelope.mailFrom?.address ?? '';
  const givenEnvId = session.envelope.mailFrom?.params.ENVID;
  const envId = typeof givenEnvId === 'string' ? givenEnvId : undefined;
  const slot = hold ? undefined : ctx.delivery.reserve();
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
      raw,
      source: prepared.source,
      origin: `${session.remoteAddress} [${session.clientHostname ?? 'unknown'}]`,
      receivedAt: prepared.receivedAt,
      envId,
      hold: hold?.reason,
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
    announceAccepted(ctx, session, { queued, prepared, envId, announce });
    if (hold) {
      ctx.tracer.emit({
        kind: 'message.held',
        node: ctx.node,
        traceId: queueId,
        spanId: queueId,
        data: { queueId, reason: hold.reason },
      });
    } else if (slot) {
      slot.start({ message: queued, raw, rcptLookups: prepared.rcptLookups });
      handedOver = true;
    } else {
      ctx.delivery.deliverNow(queued, raw);
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
  session: SessionFacts,
  m: { queued: QueuedMessage; prepared: PreparedMessage; envId: string | undefined; announce?: () => void },
): void {
  const { queueId, sender } = m.queued;
  const { subject, source } = m.prepared;
  const { envId } = m;
  const recipients = session.envelope.rcptTo.map((r) => r.address);
  const common = { node: ctx.node, traceId: queueId, spanId: queueId };
  const sizeBytes = m.prepared.raw.byteLength;
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
      upstreamQueueId: m.prepared.upstreamQueueId,
    },
  });
  m.announce?.();
  ctx.tracer.emit({
    kind: 'message.queued',
    ...common,
    data: { queueId, sender, recipients, sizeBytes, source, subject },
  });
}
