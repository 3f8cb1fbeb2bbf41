import { MailError } from '../core/mail-error.js';
import type { DirectoryRecipient } from '../directory/client.js';
import { rcptVerdict } from '../directory/mail-user-status.js';
import type { SmtpSession } from './smtp/types.js';
import type { ListenerContext } from './listener-context.js';

/**
 * RCPT-time policy, the MTA's first line of defence:
 *  - a site domain: the address must exist in the directory (person or group);
 *    otherwise 550 5.1.1, so the sender learns at once and no bounce is needed later.
 *    A person's mailUserStatus may refuse it too: 450 4.2.1 inactive, 452 4.2.2
 *    overquota (try later), 550 5.2.1 disabled / removed; `hold` is accepted and
 *    waits in the queue (see mail-user-status.ts);
 *  - any other domain: only for authenticated senders (submission). Without AUTH that is
 *    relaying, and an open relay is how spam travels: 554 5.7.1.
 * Returns the directory entry it found (none for other domains), so routing right
 * after the commit need not search again.
 */
export async function checkRecipient(
  ctx: ListenerContext,
  session: SmtpSession,
  address: string,
  traceId: string | undefined,
): Promise<DirectoryRecipient | undefined> {
  if (!ctx.siteDomains.isLocal(address)) {
    if (session.user) return undefined;
    throw new MailError({
      code: 554,
      enhanced: '5.7.1',
      publicText: `<${address}>: Relay access denied`,
      component: 'mta',
    });
  }
  const entry = await ctx.directory.findRecipient(address, 'rcpt check', { traceId, spanId: traceId });
  if (!entry) {
    throw new MailError({
      code: 550,
      enhanced: '5.1.1',
      publicText: `<${address}>: Recipient address rejected: User unknown`,
      component: 'mta',
    });
  }
  if (entry.kind === 'user') {
    const verdict = rcptVerdict(entry.status, address);
    if (verdict.kind === 'reject') throw verdict.error;
  }
  return entry;
}
