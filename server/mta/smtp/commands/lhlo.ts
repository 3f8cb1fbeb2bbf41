import { ANY_STATE, type CommandHandler } from './types.js';
import { extensionLines, greet } from './hello.js';

/** LMTP's EHLO (RFC 2033 4.1). Delivery inside the lab needs no AUTH. */
export const lhlo: CommandHandler = {
  states: ANY_STATE,
  modes: ['lmtp'],
  run(ctx, args) {
    if (args === '') return ctx.reply(501, '5.5.4', 'Syntax: LHLO hostname');
    greet(ctx, args, true);
    ctx.reply(250, undefined, [ctx.options.hostname, ...extensionLines(ctx, false)]);
  },
};
