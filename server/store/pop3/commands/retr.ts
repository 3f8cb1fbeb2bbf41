import { multilineBody } from '../multiline.js';
import { maildropOf, messageNumber, words } from './args.js';
import { TRANSACTION, type CommandHandler } from './types.js';

/**
 * RFC 1939 5 RETR msg. The message then counts as read (\Seen, written when the
 * session ends), as in most servers, so IMAP and webmail show it read; TOP does not.
 */
export const retr: CommandHandler = {
  states: TRANSACTION,
  run(ctx, args) {
    const maildrop = maildropOf(ctx);
    const [msg] = words(args, 1, 1, 'RETR msg');
    const entry = maildrop.entry(messageNumber(msg!));
    const { raw, seen } = maildrop.read(entry);
    const body = multilineBody(raw);
    ctx.okMultiline(`${entry.sizeBytes} octets`, body);
    if (!seen) maildrop.noteRead(entry);
    ctx.trace.fetched(maildrop.address, body.length);
  },
};
