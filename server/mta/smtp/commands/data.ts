import { MailError } from '../../../core/mail-error.js';
import type { DataReader } from '../data-reader.js';
import type { SmtpDataResult } from '../types.js';
import { sayHelloFirst, type CommandContext, type CommandHandler } from './types.js';

/**
 * DATA (RFC 5321 4.1.1.4). In LMTP the final dot gets one reply per accepted
 * recipient, in RCPT order (RFC 2033 4.2), so a store can refuse one mailbox and
 * accept the others. Either way the transaction is over afterwards.
 */
export const data: CommandHandler = {
  states: ['mail'],
  outOfOrder: (state, lmtp) => (state === 'greeted' ? sayHelloFirst(lmtp) : 'Error: need MAIL command'),
  run(ctx, args) {
    if (args !== '') return ctx.reply(501, '5.5.4', 'Syntax: DATA');
    if (ctx.session.envelope.rcptTo.length === 0) {
      if (ctx.rcptAttempted) return ctx.reply(554, '5.5.1', 'Error: no valid recipients');
      return ctx.reply(503, '5.5.1', 'Error: need RCPT command');
    }
    ctx.reply(354, undefined, 'End data with <CR><LF>.<CR><LF>');
    ctx.beginData((reader) => finishData(ctx, reader));
  },
};

async function finishData(ctx: CommandContext, reader: DataReader): Promise<void> {
  try {
    if (reader.tooLarge) {
      replyEach(
        ctx,
        new MailError({
          code: 552,
          enhanced: '5.3.4',
          publicText: 'Message size exceeds fixed maximum message size',
          component: 'smtp',
        }),
      );
      return;
    }
    let result: SmtpDataResult;
    try {
      result = await ctx.options.hooks.onData(ctx.session, reader.message());
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

/** The same refusal once (SMTP) or once per accepted recipient (LMTP). */
function replyEach(ctx: CommandContext, err: MailError): void {
  const times = ctx.session.lmtp ? ctx.session.envelope.rcptTo.length : 1;
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
