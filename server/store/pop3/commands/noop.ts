import { words } from './args.js';
import { ANY_STATE, type CommandHandler } from './types.js';

/** RFC 1939 5 NOOP (TRANSACTION there; harmless before login too, and clients use it as a ping). */
export const noop: CommandHandler = {
  states: ANY_STATE,
  run(ctx, args) {
    words(args, 0, 0, 'NOOP');
    ctx.ok();
  },
};
