import { mailboxArg } from '../mailbox-name.js';
import { ImapNoError, ImapSyntaxError, type ImapCommand } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

function args(cmd: ImapCommand, count: number): void {
  if (cmd.args.length !== count) throw new ImapSyntaxError(`${cmd.verb} takes ${count} mailbox name(s)`);
}

/** RFC 3501 §6.3.3. A trailing delimiter only says "will have children" (§6.3.3). */
export const create: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    const name = mailboxArg(cmd.args[0], ctx.utf8).replace(/\/+$/, '');
    if (name === 'INBOX') throw new ImapNoError('INBOX always exists', 'ALREADYEXISTS');
    ctx.store.createFolder(ctx.address!, name);
  },
};

/** RFC 3501 §6.3.4. */
export const del: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    const name = mailboxArg(cmd.args[0], ctx.utf8);
    if (name === 'INBOX') throw new ImapNoError('INBOX cannot be deleted', 'CANNOT');
    ctx.store.deleteFolder(ctx.address!, name);
  },
};

/** RFC 3501 §6.3.5. */
export const rename: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 2);
    ctx.store.renameFolder(ctx.address!, mailboxArg(cmd.args[0], ctx.utf8), mailboxArg(cmd.args[1], ctx.utf8));
  },
};

/** RFC 3501 §6.3.6. */
export const subscribe: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    ctx.store.subscribe(ctx.address!, mailboxArg(cmd.args[0], ctx.utf8), true);
  },
};

/** RFC 3501 §6.3.7. */
export const unsubscribe: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    ctx.store.subscribe(ctx.address!, mailboxArg(cmd.args[0], ctx.utf8), false);
  },
};
