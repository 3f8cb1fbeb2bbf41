import { badAddress, isAscii, isValidMailbox, parsePathArgs } from '../address.js';
import { checkRcptParams } from '../params.js';
import { smtpError } from '../reply.js';
import { sayHelloFirst, type CommandHandler } from './types.js';

/** RCPT TO:<recipient> [NOTIFY=...] [ORCPT=...] (RFC 5321, RFC 3461). */
export const rcpt: CommandHandler = {
  states: ['mail'],
  outOfOrder: (state, lmtp) => (state === 'greeted' ? sayHelloFirst(lmtp) : 'Error: need MAIL command'),
  async run(ctx, args) {
    const { session, options } = ctx;
    ctx.rcptAttempted = true;
    const to = parsePathArgs(args, 'TO');
    // RFC 5321 4.5.1: <postmaster> without a domain must be accepted.
    if (!isValidMailbox(to.address) && !/^postmaster$/i.test(to.address)) throw badAddress('TO');
    checkRcptParams(to.params);
    if (!isAscii(to.address) && session.envelope.mailFrom?.params.SMTPUTF8 !== true) {
      throw smtpError(553, '5.6.7', 'Non-ASCII recipient address requires the SMTPUTF8 parameter on MAIL');
    }
    if (session.envelope.rcptTo.length >= options.maxRecipients) {
      throw smtpError(452, '4.5.3', 'Too many recipients');
    }
    await options.hooks.onRcptTo?.(session, to);
    session.envelope.rcptTo.push(to);
    ctx.reply(250, '2.1.5', 'Ok');
  },
};
