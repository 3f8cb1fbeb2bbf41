import { MailError } from '../../../core/mail-error.js';
import type { SmtpDataResult } from '../types.js';
import type { CommandContext } from './types.js';

/** A received body, from DATA or from the chunks of BDAT. */
export interface ReceivedBody {
  readonly tooLarge: boolean;
  message(): Buffer;
}

/**
 * The end of a message, whichever way it came: hand it to the hooks and answer. In
 * LMTP that is one reply per accepted recipient, in RCPT order (RFC 2033 4.2; RFC
 * 3030 for BDAT LAST), so a store can refuse one mailbox and accept the others.
 * Either way the transaction is over afterwards.
 */
export async function finishMessage(ctx: CommandContext, body: ReceivedBody): Promise<void> {
  try {
    if (body.tooLarge) {
      replyEach(ctx, tooLarge());
      return;
    }
    let result: SmtpDataResult;
    try {
      result = await ctx.options.hooks.onData(ctx.session, body.message());
    } catch (err) {
      replyEach(ctx, MailError.from(err, 'smtp'));
      return;
    }
    if (ctx.session.lmtp) replyPerRecipient(ctx, result);
    else ctx.reply(250, '2.0.0', result.queueId ? `Ok: queued as ${result.queueId}` : 'Ok');
  } finally {
    ctx.resetTransaction();
  }
}

export function tooLarge(): MailError {
  return new MailError({
    code: 552,
    enhanced: '5.3.4',
    publicText: 'Message size exceeds fixed maximum message size',
    component: 'smtp',
  });
}

/** The same refusal once (SMTP) or once per accepted recipient (LMTP). */
export function replyEach(ctx: CommandContext, err: MailError): void {
  const times = ctx.session.lmtp ? Math.max(1, ctx.session.envelope.rcptTo.length) : 1;
  for (let i = 0; i < times; i++) ctx.reply(err.code, err.enhanced, err.publicText);
}

function replyPerRecipient(ctx: CommandContext, result: SmtpDataResult): void {
  const count = ctx.session.envelope.rcptTo.length;
  for (let i = 0; i < count; i++) {
    const r = result.recipients?.[i];
    // A store that forgot a recipient has not stored it: ask the queue to retry.
    if (r) ctx.reply(r.code, r.enhanced, r.text);
    else ctx.reply(451, '4.3.0', 'Local error in processing');
  }
}
