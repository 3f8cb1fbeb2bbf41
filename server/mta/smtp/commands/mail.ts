import { badAddress, isAscii, isValidMailbox, parsePathArgs } from '../address.js';
import { checkMailParams } from '../params.js';
import { smtpError } from '../reply.js';
import { sayHelloFirst, type CommandHandler } from './types.js';

/** MAIL FROM:<sender> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8] [RET=] [ENVID=] (RFC 5321, 1870, 6152, 6531, 3461). */
export const mail: CommandHandler = {
  states: ['ready'],
  outOfOrder: (state, lmtp) => (state === 'greeted' ? sayHelloFirst(lmtp) : 'Error: nested MAIL command'),
  async run(ctx, args) {
    const { session, options } = ctx;
    if (options.auth?.required && !session.user) throw smtpError(530, '5.7.0', 'Authentication required');
    const from = parsePathArgs(args, 'FROM');
    if (from.address !== '' && !isValidMailbox(from.address)) throw badAddress('FROM');
    checkMailParams(from.params, options.maxMessageSizeBytes);
    if (!isAscii(from.address) && from.params.SMTPUTF8 !== true) {
      // RFC 6531 3.4: a UTF-8 address needs the SMTPUTF8 parameter.
      throw smtpError(553, '5.6.7', 'Non-ASCII sender address requires the SMTPUTF8 parameter');
    }
    await options.hooks.onMailFrom?.(session, from);
    session.envelope = { mailFrom: from, rcptTo: [] };
    ctx.rcptAttempted = false;
    ctx.state = 'mail';
    ctx.reply(250, '2.1.0', 'Ok');
  },
};
