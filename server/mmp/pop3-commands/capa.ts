import type { MmpCommandContext, MmpCommandHandler } from './types.js';

/**
 * RFC 2449 CAPA before login. Login mechanisms only where plaintext is allowed on
 * this connection, STLS only in the clear. The rest describes the back end the
 * client will reach (TOP, UIDL, PIPELINING are the store's, relayed unchanged).
 */
export function capabilities(ctx: MmpCommandContext): string[] {
  const lines = ['TOP', 'UIDL'];
  if (ctx.plaintextAllowed()) lines.push('USER', 'SASL PLAIN');
  lines.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING');
  if (ctx.options.tls && !ctx.session.secure) lines.push('STLS');
  lines.push('IMPLEMENTATION Mailscope MMP');
  return lines;
}

export const capa: MmpCommandHandler = {
  run(ctx, args) {
    if (args.trim() !== '') return ctx.protocolError('Syntax: CAPA');
    ctx.okLines('Capability list follows', capabilities(ctx));
  },
};
