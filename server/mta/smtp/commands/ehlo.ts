import { ANY_STATE, type CommandHandler } from './types.js';
import { extensionLines, greet } from './hello.js';

export const ehlo: CommandHandler = {
  states: ANY_STATE,
  modes: ['smtp'],
  run(ctx, args) {
    if (args === '') return ctx.reply(501, '5.5.4', 'Syntax: EHLO hostname');
    greet(ctx, args, true);
    ctx.reply(250, undefined, [ctx.options.hostname, ...extensionLines(ctx, true)]);
  },
};
