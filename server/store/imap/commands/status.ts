import { mailboxArg, wireName } from '../mailbox-name.js';
import { atom, type ResponseValue } from '../syntax/response-writer.js';
import { asAtom, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/**
 * RFC 3501 §6.3.10, with RFC 7162 HIGHESTMODSEQ. RECENT counts the messages no
 * session has been told about yet; asking does not claim them (only SELECT does).
 */
export const status: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    const items = cmd.args[1];
    if (cmd.args.length !== 2 || items?.type !== 'list')
      throw new ImapSyntaxError('STATUS takes a mailbox and an item list');
    const info = ctx.store.folderInfo(ctx.address!, mailboxArg(cmd.args[0], ctx.utf8));
    const values: ResponseValue[] = [];
    for (const item of items.items) {
      const name = asAtom(item, 'status item').toUpperCase();
      const value = {
        MESSAGES: info.messages,
        RECENT: info.recent,
        UIDNEXT: info.uidNext,
        UIDVALIDITY: info.uidValidity,
        UNSEEN: info.unseen,
        HIGHESTMODSEQ: info.highestModseq,
      }[name];
      if (value === undefined) throw new ImapSyntaxError(`Unknown STATUS item ${name}`);
      if (name === 'HIGHESTMODSEQ') ctx.enable('CONDSTORE');
      values.push(atom(name), value);
    }
    ctx.untagged('STATUS', [wireName(info.name, ctx.utf8), values]);
  },
};
