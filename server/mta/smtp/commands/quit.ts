import { ANY_STATE, type CommandHandler } from './types.js';

export const quit: CommandHandler = {
  states: ANY_STATE,
  run(ctx) {
    ctx.reply(221, '2.0.0', 'Bye');
    ctx.close('quit');
  },
};
