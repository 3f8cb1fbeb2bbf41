import { words } from './args.js';
import { AUTHORIZATION, type CommandHandler } from './types.js';

/**
 * RFC 2595 4. The session drops whatever the client pipelined after STLS (it was
 * sent in the clear) and any USER name given before, so nothing said in the clear
 * carries over into the TLS session.
 */
export const stls: CommandHandler = {
  states: AUTHORIZATION,
  run(ctx, args) {
    if (!ctx.options.tls) return ctx.err('STLS not available on this server');
    if (ctx.session.secure) return ctx.err('Already using TLS');
    words(args, 0, 0, 'STLS');
    ctx.ok('Begin TLS negotiation');
    ctx.session.pendingUser = undefined;
    ctx.startTls();
  },
};
