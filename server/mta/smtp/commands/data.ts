import { DataReader } from '../data-reader.js';
import { finishMessage } from './message-end.js';
import { sayHelloFirst, type CommandHandler } from './types.js';

/**
 * DATA (RFC 5321 4.1.1.4): 354, then the dot-stuffed body up to CRLF.CRLF, then the
 * reply (one per accepted recipient in LMTP; see message-end.ts).
 */
export const data: CommandHandler = {
  states: ['mail'],
  outOfOrder: (state, lmtp) => (state === 'greeted' ? sayHelloFirst(lmtp) : 'Error: need MAIL command'),
  run(ctx, args) {
    if (args !== '') return ctx.reply(501, '5.5.4', 'Syntax: DATA');
    // RFC 3030 3: a transaction uses BDAT or DATA, never both.
    if (ctx.chunks) return ctx.reply(503, '5.5.1', 'Error: DATA after BDAT in the same transaction');
    if (ctx.session.envelope.rcptTo.length === 0) {
      if (ctx.rcptAttempted) return ctx.reply(554, '5.5.1', 'Error: no valid recipients');
      return ctx.reply(503, '5.5.1', 'Error: need RCPT command');
    }
    ctx.reply(354, undefined, 'End data with <CR><LF>.<CR><LF>');
    const reader = new DataReader(ctx.options.maxMessageSizeBytes);
    ctx.readBody(reader, () => finishMessage(ctx, reader));
  },
};
