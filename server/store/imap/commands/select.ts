import { MailboxView } from '../mailbox-view.js';
import { mailboxArg } from '../mailbox-name.js';
import { asAtom, ImapSyntaxError, type ImapCommand, type ImapValue } from '../syntax/types.js';
import { AUTHENTICATED, type CommandContext, type CommandHandler, type CommandResult } from './types.js';

const SYSTEM_FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

/** RFC 4466 select parameters; the only one known here is RFC 7162 `(CONDSTORE)`. */
function selectParams(ctx: CommandContext, value: ImapValue | undefined): void {
  if (value === undefined) return;
  if (value.type !== 'list') throw new ImapSyntaxError('SELECT parameters must be a list');
  for (const item of value.items) {
    const name = asAtom(item, 'select parameter').toUpperCase();
    if (name !== 'CONDSTORE') throw new ImapSyntaxError(`Unknown SELECT parameter ${name}`);
    ctx.enable('CONDSTORE');
  }
}

/**
 * RFC 3501 §6.3.1 (SELECT) and §6.3.2 (EXAMINE): the same but read-only. SELECT
 * claims the folder's new messages as \Recent for this session (§2.3.2); EXAMINE
 * shows them as recent without taking that from the next session.
 */
function open(ctx: CommandContext, cmd: ImapCommand, readOnly: boolean): CommandResult {
  if (cmd.args.length < 1 || cmd.args.length > 2) throw new ImapSyntaxError(`${cmd.verb} takes one mailbox name`);
  const name = mailboxArg(cmd.args[0], ctx.utf8);
  selectParams(ctx, cmd.args[1]);
  // A failed SELECT leaves no mailbox selected (§6.3.1).
  ctx.view = undefined;
  ctx.state = 'authenticated';
  const address = ctx.address!;
  const info = ctx.store.folderInfo(address, name);
  const claimedFrom = readOnly ? undefined : ctx.store.claimRecent(address, info.name);
  const { uids, firstUnseenUid } = ctx.store.uidList(address, info.name);
  // The unclaimed messages are the newest `recent` ones: the floor is a UID threshold.
  const recentFrom = claimedFrom ?? uids[uids.length - info.recent] ?? info.uidNext;
  const view = new MailboxView(ctx.store, address, info.name, readOnly, uids, recentFrom);
  const firstUnseen = firstUnseenUid === undefined ? -1 : view.seqOfUid(firstUnseenUid) - 1;
  ctx.send(
    [
      `* FLAGS (${SYSTEM_FLAGS})`,
      `* OK [PERMANENTFLAGS (${readOnly ? '' : `${SYSTEM_FLAGS} \\*`})] Flags permitted`,
      `* ${view.exists} EXISTS`,
      `* ${view.recent} RECENT`,
      ...(firstUnseen >= 0 ? [`* OK [UNSEEN ${firstUnseen + 1}] First unseen`] : []),
      `* OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`,
      `* OK [UIDNEXT ${info.uidNext}] Predicted next UID`,
      `* OK [HIGHESTMODSEQ ${info.highestModseq}] Highest`,
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
