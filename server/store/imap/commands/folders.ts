import { mailboxArg, wireName } from '../mailbox-name.js';
import { encodeUntagged } from '../syntax/response-writer.js';
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
    const name = mailboxArg(cmd.args[0]).replace(/\/+$/, '');
    if (name === 'INBOX') throw new ImapNoError('INBOX always exists', 'ALREADYEXISTS');
    ctx.store.createFolder(ctx.address!, name);
  },
};

/** RFC 3501 §6.3.4. */
export const del: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    const name = mailboxArg(cmd.args[0]);
    if (name === 'INBOX') throw new ImapNoError('INBOX cannot be deleted', 'CANNOT');
    ctx.store.deleteFolder(ctx.address!, name);
  },
};

/** RFC 3501 §6.3.5. */
export const rename: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 2);
    ctx.store.renameFolder(ctx.address!, mailboxArg(cmd.args[0]), mailboxArg(cmd.args[1]));
  },
};

/** RFC 3501 §6.3.6. */
export const subscribe: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    ctx.store.subscribe(ctx.address!, mailboxArg(cmd.args[0]), true);
  },
};

/** RFC 3501 §6.3.7. */
export const unsubscribe: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    ctx.store.subscribe(ctx.address!, mailboxArg(cmd.args[0]), false);
  },
};

/** RFC 2087 GETQUOTAROOT: no quotas here, so the mailbox has no quota root. */
export const getquotaroot: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    args(cmd, 1);
    const name = mailboxArg(cmd.args[0]);
    ctx.store.folderInfo(ctx.address!, name);
    ctx.send(encodeUntagged('QUOTAROOT', [wireName(name)]));
  },
};
