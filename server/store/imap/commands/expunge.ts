import { resolveTargets, selectedView } from '../message-set.js';
import { ImapNoError, ImapSyntaxError } from '../syntax/types.js';
import { SELECTED, type CommandHandler } from './types.js';

/**
 * RFC 3501 §6.4.3 and RFC 4315 UID EXPUNGE. The store tells every session (this
 * one too) which UIDs went; the session then sends the EXPUNGE responses before
 * the tagged OK, numbered as the client sees the mailbox.
 */
export const expunge: CommandHandler = {
  states: SELECTED,
  uid: true,
  run(ctx, cmd) {
    const view = selectedView(ctx);
    if (cmd.args.length !== (cmd.uid ? 1 : 0)) throw new ImapSyntaxError('Wrong number of arguments for EXPUNGE');
    if (view.readOnly) throw new ImapNoError('Mailbox is read-only', 'READ-ONLY');
    const uids = cmd.uid ? resolveTargets(view, cmd.args[0], true).map((t) => t.uid) : undefined;
    if (uids?.length === 0) return;
    ctx.store.expunge(ctx.address!, view.folder, uids);
  },
};
