import { patternRegExp, wireName } from '../mailbox-name.js';
import { atom } from '../syntax/response-writer.js';
import { asAString, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 3501 §6.3.8 with RFC 6154 special-use and RFC 3348 CHILDREN attributes. */
export const list: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length !== 2 || cmd.args[0]?.type === 'list') {
      throw new ImapSyntaxError('LIST takes a reference and a mailbox pattern');
    }
    const reference = asAString(cmd.args[0], 'reference');
    const pattern = asAString(cmd.args[1], 'pattern');
    if (pattern === '') {
      // §6.3.8: the hierarchy delimiter and the root of the reference.
      ctx.untagged('LIST', [[atom('\\Noselect')], '/', '']);
      return;
    }
    const re = patternRegExp(reference, pattern);
    const folders = ctx.store.listFolders(ctx.address!);
    const names = folders.map((f) => f.name);
    for (const folder of folders) {
      const wire = wireName(folder.name, ctx.utf8);
      if (!re.test(wire)) continue;
      const hasChildren = names.some((n) => n.startsWith(`${folder.name}/`));
      const attrs = [atom(hasChildren ? '\\HasChildren' : '\\HasNoChildren')];
      if (folder.specialUse) attrs.push(atom(folder.specialUse));
      ctx.untagged('LIST', [attrs, '/', wire]);
    }
  },
};
