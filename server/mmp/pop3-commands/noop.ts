import type { MmpCommandHandler } from './types.js';

/** RFC 1939 5 NOOP: a transaction command, harmless before login too (clients use it as a ping). */
export const noop: MmpCommandHandler = {
  run(ctx, args) {
    if (args.trim() !== '') return ctx.protocolError('Syntax: NOOP');
    ctx.ok();
  },
};
