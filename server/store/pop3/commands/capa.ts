import { multilineLines } from '../multiline.js';
import { ANY_STATE, type CommandContext, type CommandHandler } from './types.js';
import { words } from './args.js';
import { xclientAllowed } from './xclient.js';

/**
 * RFC 2449. The same list in both states (RFC 2449 5), except what depends on the
 * connection: login mechanisms only where plaintext is allowed, STLS only in the clear.
 */
export function capabilities(ctx: CommandContext): string[] {
  const lines = ['TOP', 'UIDL'];
  if (ctx.plaintextAllowed()) lines.push('USER', 'SASL PLAIN');
  lines.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING');
  if (ctx.options.tls && !ctx.session.secure) lines.push('STLS');
  if (ctx.state === 'authorization' && xclientAllowed(ctx)) lines.push('XCLIENT');
  lines.push('IMPLEMENTATION Mailscope');
  return lines;
}

export const capa: CommandHandler = {
  states: ANY_STATE,
  run(ctx, args) {
    words(args, 0, 0, 'CAPA');
    ctx.okMultiline('Capability list follows', multilineLines(capabilities(ctx)));
  },
};
