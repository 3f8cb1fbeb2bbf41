import { isLoopback } from '../../../core/net-address.js';
import { parseIdParams, proxyNodeOf } from '../proxy-id.js';
import { ImapSyntaxError } from '../syntax/types.js';
import { ANY, type CommandContext, type CommandHandler } from './types.js';

/**
 * May this peer say, with ID, which proxy it is? Only one we trust (loopback by
 * default), and only before login: after it, the proxy relays its client's own ID.
 */
function trustedProxy(ctx: CommandContext): boolean {
  if (ctx.state !== 'not-authenticated') return false;
  return ctx.options.trustProxyId?.(ctx.remoteAddress) ?? isLoopback(ctx.remoteAddress);
}

/**
 * RFC 2971: we say who we are. What a client says about itself is not needed, except
 * a trusted proxy's name (see proxy-id.ts): the trace then draws the MMP link.
 */
export const id: CommandHandler = {
  states: ANY,
  run(ctx, cmd) {
    if (cmd.args.length !== 1) throw new ImapSyntaxError('ID takes one argument');
    const node = proxyNodeOf(parseIdParams(cmd.args[0]));
    if (node && trustedProxy(ctx)) ctx.trace.peerNode = node;
    ctx.untagged('ID', [['name', 'Mailscope', 'vendor', 'Mailscope lab']]);
  },
};
