import type { UidMapping } from '../../types.js';
import { mailboxArg } from '../mailbox-name.js';
import { resolveTargets, selectedView } from '../message-set.js';
import { formatSequenceSet } from '../syntax/sequence-set.js';
import { ImapSyntaxError, type ImapCommand } from '../syntax/types.js';
import { tryCreate } from './append.js';
import { SELECTED, type CommandContext, type CommandHandler } from './types.js';

/**
 * RFC 4315 COPYUID: the nth source UID went to the nth destination UID. When the
 * destination UIDs ascend with the source ones (the usual case) both sets may be
 * compacted; otherwise they are listed one by one, in source order.
 */
function copyUid(ctx: CommandContext, folder: string, mapping: readonly UidMapping[]): string {
  const uidValidity = ctx.store.folderInfo(ctx.address!, folder).uidValidity;
  const sorted = [...mapping].sort((a, b) => a.fromUid - b.fromUid);
  const from = sorted.map((m) => m.fromUid);
  const to = sorted.map((m) => m.toUid);
  const ascending = to.every((uid, i) => i === 0 || uid > to[i - 1]!);
  if (ascending) return `COPYUID ${uidValidity} ${formatSequenceSet(from)} ${formatSequenceSet(to)}`;
  return `COPYUID ${uidValidity} ${from.join(',')} ${to.join(',')}`;
}

function transfer(ctx: CommandContext, cmd: ImapCommand, move: boolean) {
  if (cmd.args.length !== 2) throw new ImapSyntaxError(`${cmd.verb} takes a sequence set and a mailbox`);
  const view = selectedView(ctx);
  const targets = resolveTargets(view, cmd.args[0], cmd.uid);
  const to = mailboxArg(cmd.args[1], ctx.utf8);
  let mapping: UidMapping[] = [];
  try {
    const uids = targets.map((t) => t.uid);
    if (uids.length > 0) {
      mapping = move
        ? ctx.store.moveMessages(ctx.address!, view.folder, uids, to)
        : ctx.store.copyMessages(ctx.address!, view.folder, uids, to);
    } else ctx.store.folderInfo(ctx.address!, to);
  } catch (err) {
    tryCreate(err);
  }
  if (mapping.length === 0) return { text: `${cmd.verb} completed, nothing to do` };
  const code = copyUid(ctx, to, mapping);
  // RFC 6851 §4.3: MOVE gives COPYUID in an untagged OK before the EXPUNGEs.
  if (move) return void ctx.send(`* OK [${code}] Moved\r\n`);
  return { code, text: 'COPY completed' };
}

/** RFC 3501 §6.4.7. */
export const copy: CommandHandler = { states: SELECTED, uid: true, run: (ctx, cmd) => transfer(ctx, cmd, false) };

/** RFC 6851. */
export const move: CommandHandler = { states: SELECTED, uid: true, run: (ctx, cmd) => transfer(ctx, cmd, true) };
