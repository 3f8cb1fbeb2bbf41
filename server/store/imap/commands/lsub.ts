import { patternRegExp, wireName } from '../mailbox-name.js';
import { atom } from '../syntax/response-writer.js';
import { asAString, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 3501 §6.3.9: subscribed names; one that no longer exists is \Noselect. */
export const lsub: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length !== 2) throw new ImapSyntaxError('LSUB takes a reference and a mailbox pattern');
    const re = patternRegExp(asAString(cmd.args[0], 'reference'), asAString(cmd.args[1], 'pattern'));
    const existing = new Set(ctx.store.listFolders(ctx.address!).map((f) => f.name));
    for (const name of ctx.store.listSubscriptions(ctx.address!)) {
      const wire = wireName(name, ctx.utf8);
      if (!re.test(wire)) continue;
      const attrs = existing.has(name) ? [] : [atom('\\Noselect')];
      ctx.untagged('LSUB', [attrs, '/', wire]);
    }
  },
};
