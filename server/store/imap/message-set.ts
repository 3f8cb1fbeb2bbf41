import type { CommandContext } from './commands/types.js';
import type { MailboxView } from './mailbox-view.js';
import { parseSequenceSet, resolveSequenceSet, resolveUidSet, exceedsMax } from './syntax/sequence-set.js';
import { asAtom, ImapSyntaxError, type ImapValue } from './syntax/types.js';

export interface Target {
  seq: number;
  uid: number;
}

/** The selected view; commands with SELECTED states can rely on it. */
export function selectedView(ctx: CommandContext): MailboxView {
  if (!ctx.view) throw new ImapSyntaxError('No mailbox selected');
  return ctx.view;
}

/**
 * The messages a sequence set names: message numbers, or UIDs for the UID form
 * (where UIDs that do not exist are silently ignored, RFC 3501 §6.4.8).
 */
export function resolveTargets(view: MailboxView, value: ImapValue | undefined, byUid: boolean): Target[] {
  const text = asAtom(value, 'sequence set');
  let set;
  try {
    set = parseSequenceSet(text);
  } catch {
    throw new ImapSyntaxError(`Invalid sequence set ${text}`);
  }
  if (byUid) return resolveUidSet(set, view.allUids).map((uid) => ({ uid, seq: view.seqOfUid(uid) }));
  if (view.exists > 0 && exceedsMax(set, view.exists)) throw new ImapSyntaxError('Message number out of range');
  return resolveSequenceSet(set, view.exists).map((seq) => ({ seq, uid: view.uidAt(seq)! }));
}
