import { mailboxArg, wireName } from '../mailbox-name.js';
import { atom, encodeUntagged, type ResponseValue } from '../syntax/response-writer.js';
import { asAtom, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 3501 §6.3.10. RECENT is 0: \Recent belongs to the session that selects the folder. */
export const status: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    const items = cmd.args[1];
    if (cmd.args.length !== 2 || items?.type !== 'list')
      throw new ImapSyntaxError('STATUS takes a mailbox and an item list');
    const info = ctx.store.folderInfo(ctx.address!, mailboxArg(cmd.args[0]));
    const values: ResponseValue[] = [];
    for (const item of items.items) {
      const name = asAtom(item, 'status item').toUpperCase();
      const value = {
        MESSAGES: info.messages,
        RECENT: 0,
        UIDNEXT: info.uidNext,
        UIDVALIDITY: info.uidValidity,
        UNSEEN: info.unseen,
      }[name];
      if (value === undefined) throw new ImapSyntaxError(`Unknown STATUS item ${name}`);
      values.push(atom(name), value);
    }
    ctx.send(encodeUntagged('STATUS', [wireName(info.name), values]));
  },
};
