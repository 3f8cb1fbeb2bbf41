import { MailboxView } from '../mailbox-view.js';
import { mailboxArg } from '../mailbox-name.js';
import { ImapSyntaxError, type ImapCommand } from '../syntax/types.js';
import { AUTHENTICATED, type CommandContext, type CommandHandler, type CommandResult } from './types.js';

const SYSTEM_FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

/** RFC 3501 §6.3.1 (SELECT) and §6.3.2 (EXAMINE): the same but read-only. */
function open(ctx: CommandContext, cmd: ImapCommand, readOnly: boolean): CommandResult {
  if (cmd.args.length !== 1) throw new ImapSyntaxError(`${cmd.verb} takes one mailbox name`);
  const name = mailboxArg(cmd.args[0]);
  // A failed SELECT leaves no mailbox selected (§6.3.1).
  ctx.view = undefined;
  ctx.state = 'authenticated';
  const address = ctx.address!;
  const info = ctx.store.folderInfo(address, name);
  const recentFrom = readOnly ? info.uidNext : ctx.store.claimRecent(address, info.name);
  const messages = ctx.store.listMessages(address, info.name);
  const view = new MailboxView(ctx.store, address, info.name, readOnly, messages, recentFrom);
  const firstUnseen = messages.findIndex((m) => !m.flags.includes('\\Seen'));
  ctx.send(
    [
      `* FLAGS (${SYSTEM_FLAGS})`,
      `* OK [PERMANENTFLAGS (${readOnly ? '' : `${SYSTEM_FLAGS} \\*`})] Flags permitted`,
      `* ${view.exists} EXISTS`,
      `* ${view.recent} RECENT`,
      ...(firstUnseen >= 0 ? [`* OK [UNSEEN ${firstUnseen + 1}] First unseen`] : []),
      `* OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`,
      `* OK [UIDNEXT ${info.uidNext}] Predicted next UID`,
      '',
    ].join('\r\n'),
  );
  ctx.view = view;
  ctx.state = 'selected';
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${cmd.verb} completed` };
}

export const select: CommandHandler = {
  states: AUTHENTICATED,
  run: (ctx, cmd) => open(ctx, cmd, false),
};

export const examine: CommandHandler = {
  states: AUTHENTICATED,
  run: (ctx, cmd) => open(ctx, cmd, true),
};
