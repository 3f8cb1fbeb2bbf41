import { ANY_STATE, type CommandHandler } from './types.js';

/** RFC 5321 4.1.1.9: any argument is ignored. */
export const noop: CommandHandler = {
  states: ANY_STATE,
  run(ctx) {
    ctx.reply(250, '2.0.0', 'Ok');
  },
};
