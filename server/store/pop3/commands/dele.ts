import { maildropOf, messageNumber, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/** RFC 1939 5 DELE msg: only a mark; the store changes at QUIT (UPDATE state). */
export const dele: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    const maildrop = maildropOf(ctx);
    const [msg] = words(args, 1, 1, 'DELE msg');
    const entry = maildrop.entry(messageNumber(msg!));
    maildrop.markDeleted(entry);
    ctx.ok(`Message ${entry.number} deleted`);
  },
};
