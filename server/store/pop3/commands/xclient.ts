import { isLoopback } from '../../../core/net-address.js';
import { clientError } from '../errors.js';
import { nodeOf, parseXclient } from '../xclient.js';
import { AUTHORIZATION, type CommandContext, type CommandHandler } from './types.js';

/** Only a proxy we trust may say for whom it speaks (loopback by default: where the MMP is). */
export function xclientAllowed(ctx: CommandContext): boolean {
  return ctx.options.trustXclient?.(ctx.session.remoteAddress) ?? isLoopback(ctx.session.remoteAddress);
}

/**
 * XCLIENT (see ../xclient.ts): a trusted proxy names itself before USER; the store's
 * trace then draws fetched mail as going to it. The login itself is not affected.
 */
export const xclient: CommandHandler = {
  states: AUTHORIZATION,
  run(ctx, args) {
    if (!xclientAllowed(ctx)) throw clientError('XCLIENT not allowed from this address');
    const params = parseXclient(args);
    if (!params) throw clientError('Syntax: XCLIENT KEY=value ...');
    const node = nodeOf(params);
    if (node) ctx.trace.peerNode = node;
    ctx.ok();
  },
};
