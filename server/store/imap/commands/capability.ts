import { ANY, type CommandHandler } from './types.js';

/** RFC 3501 §6.1.1. */
export const capability: CommandHandler = {
  states: ANY,
  run(ctx) {
    ctx.send(`* CAPABILITY ${ctx.capabilities().join(' ')}\r\n`);
  },
};
