import { MailError } from '../core/mail-error.js';
import { newQueueId } from '../core/ids.js';
import { prepareMessage, type SessionFacts } from './accept-message.js';
import type { ListenerContext } from './listener-context.js';
import { checkRecipient } from './recipient-check.js';
import { receivedHeaderStage } from './stages/received-header.js';
import { submissionHeadersStage } from './stages/submission-headers.js';
import type { DirectoryRecipient } from '../directory/client.js';
import type { MessageStage } from './stages/types.js';
import { verdictStage } from './stages/verdict.js';
import type { SmtpHooks, SmtpSession } from './smtp/types.js';

export type MtaListener = 'smtp' | 'submission';

/**
 * How old (world time) a RCPT-time directory entry may be and still route the message
 * right after its commit. A client may take its time between RCPT and the end of DATA;
 * past this, the first delivery pass searches the directory again.
 */
const RCPT_LOOKUP_FRESH_MS = 5_000;

/**
 * The glue between the SMTP protocol layer and the mail system for one listener.
 * As in Postfix, the queue id is assigned at MAIL FROM, so the directory lookups of
 * RCPT time already belong to the message's trace.
 */
export function createListenerHooks(
  ctx: ListenerContext,
  listener: MtaListener,
  authenticate: (login: string, password: string, remoteAddress: string) => Promise<string | undefined>,
): SmtpHooks {
  const transactionIds = new WeakMap<SmtpSession, string>();
  /** This transaction's RCPT-time directory entries, by lower-case address, with when they were found. */
  const rcptLookups = new WeakMap<SmtpSession, Map<string, { entry: DirectoryRecipient; at: number }>>();
  const stages: MessageStage[] = [
    verdictStage({
      node: ctx.node,
      tracer: ctx.tracer,
      spamThreshold: ctx.settings.spamThreshold,
      settings: ctx.settings.verdict,
      resolver: ctx.resolver,
    }),
    submissionHeadersStage(ctx.node),
    receivedHeaderStage(ctx.node),
  ];

  return {
    async onAuth(session, credentials) {
      const user = await authenticate(credentials.username, credentials.password, session.remoteAddress);
      if (!user) {
        throw new MailError({
          code: 535,
          enhanced: '5.7.8',
          publicText: 'Authentication credentials invalid',
          component: 'mta',
        });
      }
      return { user };
    },

    async onMailFrom(session) {
      transactionIds.set(session, newQueueId());
      rcptLookups.set(session, new Map());
    },

    async onRcptTo(session, to) {
      const entry = await checkRecipient(ctx, session, to.address, transactionIds.get(session));
      if (entry) rcptLookups.get(session)?.set(to.address.toLowerCase(), { entry, at: ctx.clock.now() });
    },

    async onData(session, raw) {
      const queueId = transactionIds.get(session) ?? newQueueId();
      const found = rcptLookups.get(session) ?? new Map();
      transactionIds.delete(session);
      rcptLookups.delete(session);
      const freshSince = ctx.clock.now() - RCPT_LOOKUP_FRESH_MS;
      const lookups = new Map([...found].filter(([, l]) => l.at >= freshSince).map(([key, l]) => [key, l.entry]));
      // No `finish` step on these listeners, so there is no `announce` to keep.
      const { prepared } = await prepareMessage(ctx.clock, session, raw, {
        queueId,
        source: listener,
        stages,
        rcptLookups: lookups,
      });
      return ctx.commit(sessionFacts(session), prepared);
    },
  };
}

/** The session as the queue records it: plain data, copied out of the live session. */
function sessionFacts(session: SmtpSession): SessionFacts {
  const { id, remoteAddress, clientHostname, envelope } = session;
  return { id, remoteAddress, clientHostname, envelope };
}
