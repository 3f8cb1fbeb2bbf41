import { ImapNoError, ImapSyntaxError } from '../syntax/types.js';
import { NOT_AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 3501 §6.2.1: the handshake starts right after the tagged OK. */
export const starttls: CommandHandler = {
  states: NOT_AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length > 0) throw new ImapSyntaxError('STARTTLS takes no arguments');
    if (!ctx.options.tls) throw new ImapNoError('STARTTLS not available on this server');
    if (ctx.secure) throw new ImapSyntaxError('Already using TLS');
    ctx.startTlsAfterReply();
    return { text: 'Begin TLS negotiation now' };
  },
};
