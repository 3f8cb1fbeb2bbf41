import { multilineLines } from '../multiline.js';
import { maildropOf, messageNumber, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/** RFC 1939 5 LIST [msg]: "number octets" for one message or every one not marked deleted. */
export const list: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    const maildrop = maildropOf(ctx);
    const [msg] = words(args, 0, 1, 'LIST [msg]');
    if (msg !== undefined) {
      const entry = maildrop.entry(messageNumber(msg));
      return ctx.ok(`${entry.number} ${entry.sizeBytes}`);
    }
    const { count, sizeBytes } = maildrop.stat();
    const lines = maildrop.live().map((e) => `${e.number} ${e.sizeBytes}`);
    ctx.okMultiline(`${count} messages (${sizeBytes} octets)`, multilineLines(lines));
  },
};
