import { multilineBody, topOf } from '../multiline.js';
import { lineCount, maildropOf, messageNumber, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/** RFC 1939 7 TOP msg n: the header, the blank line, and the first n lines of the body. */
export const top: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    const maildrop = maildropOf(ctx);
    const [msg, n] = words(args, 2, 2, 'TOP msg n');
    const entry = maildrop.entry(messageNumber(msg!));
    const bodyLines = lineCount(n!);
    const { raw } = maildrop.read(entry);
    const body = multilineBody(topOf(raw, bodyLines));
    ctx.okMultiline('Top of message follows', body);
    ctx.trace.fetched(maildrop.address, body.length);
  },
};
