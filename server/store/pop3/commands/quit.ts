import { MailError } from '../../../core/mail-error.js';
import { errText } from '../errors.js';
import { ANY_STATE, type CommandHandler } from './types.js';

/**
 * RFC 1939 6 QUIT. From TRANSACTION it enters UPDATE: only now do the DELE marks
 * reach the store. A connection that ends any other way keeps every message.
 */
export const quit: CommandHandler = {
  states: ANY_STATE,
  run(ctx) {
    const { hostname } = ctx.options;
    const maildrop = ctx.maildrop;
    if (ctx.state !== 'transaction' || !maildrop) {
      ctx.ok(`${hostname} POP3 Mailscope signing off`);
      return ctx.close('quit');
    }
    ctx.state = 'update';
    try {
      const removed = maildrop.commit();
      const left = maildrop.stat().count;
      ctx.ok(`${hostname} POP3 Mailscope signing off (${removed} messages deleted, ${left} left)`);
    } catch (err) {
      // RFC 1939 6: "-ERR some deleted messages not removed".
      ctx.err(`${errText(MailError.from(err, 'pop3'))}; some deleted messages not removed`);
    }
    ctx.close('quit');
  },
};
