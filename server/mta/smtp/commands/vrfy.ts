import { ANY_STATE, type CommandHandler } from './types.js';

/**
 * RFC 5321 3.5.3 allows 252: confirming addresses would hand a spammer our user
 * list, and the directory answers at RCPT time anyway.
 */
export const vrfy: CommandHandler = {
  states: ANY_STATE,
  run(ctx, args) {
    if (args === '') return ctx.reply(501, '5.5.4', 'Syntax: VRFY address');
    ctx.reply(252, '2.5.2', 'Cannot VRFY user, but will accept message and attempt delivery');
  },
};
