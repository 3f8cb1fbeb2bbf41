import type { MmpCommandHandler } from './types.js';

/**
 * RFC 2595 4. The connection drops whatever the client pipelined after STLS (it
 * came in the clear) and any USER name given before, so nothing said in the clear
 * carries over into the TLS session.
 */
export const stls: MmpCommandHandler = {
  run(ctx, args) {
    if (!ctx.options.tls) return ctx.err('STLS not available on this server');
    if (ctx.session.secure) return ctx.err('Already using TLS');
    if (args.trim() !== '') return ctx.protocolError('Syntax: STLS');
    ctx.ok('Begin TLS negotiation');
    ctx.session.pendingUser = undefined;
    ctx.startTls();
  },
};
