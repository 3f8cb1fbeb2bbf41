import { ANY_STATE, type CommandHandler } from './types.js';

export const rset: CommandHandler = {
  states: ANY_STATE,
  run(ctx, args) {
    if (args !== '') return ctx.reply(501, '5.5.4', 'Syntax: RSET');
    ctx.resetTransaction();
    ctx.reply(250, '2.0.0', 'Ok');
  },
};
