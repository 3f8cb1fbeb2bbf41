import { ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/**
 * RFC 2177. While idling, the session pushes EXISTS / EXPUNGE / FETCH for the
 * selected mailbox as the store reports them; the client's DONE ends it.
 */
export const idle: CommandHandler = {
  states: AUTHENTICATED,
  async run(ctx, cmd) {
    if (cmd.args.length > 0) throw new ImapSyntaxError('IDLE takes no arguments');
    const done = ctx.readLine('idling');
    ctx.setIdling(true);
    const line = await done;
    ctx.setIdling(false);
    if (line === undefined) return;
    if (line.trim().toUpperCase() !== 'DONE') throw new ImapSyntaxError('Expected DONE');
    return { text: 'IDLE terminated' };
  },
};
