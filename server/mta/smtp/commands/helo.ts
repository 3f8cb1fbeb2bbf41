import { ANY_STATE, type CommandHandler } from './types.js';
import { greet } from './hello.js';

/** Plain RFC 821 greeting: no extensions listed, so the client will use none. */
export const helo: CommandHandler = {
  states: ANY_STATE,
  modes: ['smtp'],
  run(ctx, args) {
    if (args === '') return ctx.reply(501, '5.5.4', 'Syntax: HELO hostname');
    greet(ctx, args, false);
    ctx.reply(250, undefined, ctx.options.hostname);
  },
};
