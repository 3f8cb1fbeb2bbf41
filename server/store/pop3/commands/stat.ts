import { maildropOf, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/** RFC 1939 5 STAT: "+OK count octets", messages marked deleted not counted. */
export const stat: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    words(args, 0, 0, 'STAT');
    const { count, sizeBytes } = maildropOf(ctx).stat();
    ctx.ok(`${count} ${sizeBytes}`);
  },
};
