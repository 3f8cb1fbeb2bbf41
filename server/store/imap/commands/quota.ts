import { mailboxArg, wireName } from '../mailbox-name.js';
import { atom } from '../syntax/response-writer.js';
import { asAString, ImapNoError, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandContext, type CommandHandler } from './types.js';

/** One quota root per user, named "" (RFC 9208 §3.2: every folder of the account counts). */
const ROOT = '';

/** RFC 9208 §5.1: STORAGE is in units of 1024 octets; a partly used unit counts. */
function quotaResponse(ctx: CommandContext) {
  const usedKib = Math.ceil(ctx.store.storageUsedBytes(ctx.address!) / 1024);
  const limitKib = Math.floor(ctx.store.quotaBytes / 1024);
  ctx.untagged('QUOTA', [ROOT, [atom('STORAGE'), usedKib, limitKib]]);
}

/** RFC 9208 §4.3.2 (RFC 2087 §4.3): the roots of a mailbox, then each root's usage and limit. */
export const getquotaroot: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length !== 1) throw new ImapSyntaxError('GETQUOTAROOT takes a mailbox name');
    const info = ctx.store.folderInfo(ctx.address!, mailboxArg(cmd.args[0], ctx.utf8));
    ctx.untagged('QUOTAROOT', [wireName(info.name, ctx.utf8), ROOT]);
    quotaResponse(ctx);
  },
};

/** RFC 9208 §4.3.1. */
export const getquota: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length !== 1) throw new ImapSyntaxError('GETQUOTA takes a quota root');
    if (asAString(cmd.args[0], 'quota root') !== ROOT) throw new ImapNoError('No such quota root', 'NONEXISTENT');
    quotaResponse(ctx);
  },
};

/** RFC 9208 §4.3.3: limits are the administrator's (a store option), not the user's. */
export const setquota: CommandHandler = {
  states: AUTHENTICATED,
  run() {
    throw new ImapNoError('Quota limits are set by the administrator', 'NOPERM');
  },
};
