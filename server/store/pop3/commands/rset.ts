import { maildropOf, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/** RFC 1939 5 RSET: unmark every message marked deleted in this session. */
export const rset: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    words(args, 0, 0, 'RSET');
    const maildrop = maildropOf(ctx);
    maildrop.unmarkAll();
    const { count, sizeBytes } = maildrop.stat();
    ctx.ok(`Maildrop has ${count} messages (${sizeBytes} octets)`);
  },
};
