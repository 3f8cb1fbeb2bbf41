import { multilineLines } from '../multiline.js';
import { maildropOf, messageNumber, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/** RFC 1939 7 UIDL [msg]: a unique-id that stays the same across sessions. */
export const uidl: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    const maildrop = maildropOf(ctx);
    const [msg] = words(args, 0, 1, 'UIDL [msg]');
    if (msg !== undefined) {
      const entry = maildrop.entry(messageNumber(msg));
      return ctx.ok(`${entry.number} ${maildrop.uniqueId(entry)}`);
    }
    const lines = maildrop.live().map((e) => `${e.number} ${maildrop.uniqueId(e)}`);
    ctx.okMultiline('Unique-ID listing follows', multilineLines(lines));
  },
};
