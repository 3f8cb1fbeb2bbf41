import type { MessageSummary } from '../../types.js';
import { fetchValues, needsBody } from '../fetch-response.js';
import { resolveTargets, selectedView, type Target } from '../message-set.js';
import { fetchSetsSeen, parseFetchItems, parseFetchModifiers, type FetchItem } from '../syntax/fetch-items.js';
import { encodeFetchResponse } from '../syntax/response-writer.js';
import { ImapSyntaxError, type ImapCommand } from '../syntax/types.js';
import { SELECTED, type CommandContext, type CommandHandler, type CommandResult } from './types.js';

/** Below this many messages, reading each one is cheaper than listing the whole folder. */
const LIST_THRESHOLD = 64;

/** The items to answer, with what RFC 3501 §6.4.8 and RFC 7162 §3.1.4 add on their own. */
function requestedItems(ctx: CommandContext, cmd: ImapCommand, changedSince: number | undefined): FetchItem[] {
  const items = parseFetchItems(cmd.args[1]);
  const has = (kind: string) => items.some((i) => i.kind === kind);
  if (cmd.uid && !has('UID')) items.unshift({ kind: 'UID' });
  if (has('MODSEQ') || changedSince !== undefined) ctx.enable('CONDSTORE');
  if (changedSince !== undefined && !has('MODSEQ')) items.push({ kind: 'MODSEQ' });
  return items;
}

/**
 * Non-PEEK body fetches set \Seen (§6.4.5) and then answer FLAGS as well (and
 * MODSEQ under CONDSTORE, RFC 7162 §3.2, since the flag change gave a new one).
 */
function markSeen(ctx: CommandContext, items: FetchItem[], targets: readonly Target[]): void {
  const view = selectedView(ctx);
  if (view.readOnly || !items.some(fetchSetsSeen)) return;
  const uids = targets.map((t) => t.uid);
  ctx.store.setFlags(ctx.address!, view.folder, uids, ['\\Seen'], 'add');
  view.flagsReported(uids);
  if (!items.some((i) => i.kind === 'FLAGS')) items.push({ kind: 'FLAGS' });
  if (ctx.condstore && !items.some((i) => i.kind === 'MODSEQ')) items.push({ kind: 'MODSEQ' });
}

/**
 * RFC 3501 §6.4.5 and §6.4.8 (UID FETCH always answers UID), RFC 7162 CHANGEDSINCE.
 * Flag-and-size fetches of many messages read the summaries in one listMessages
 * call; body fetches read one message at a time and write it out before the next, so
 * a 1:* body fetch does not hold the mailbox in memory. A fetch that sent message
 * data is reported as one `mailbox.fetched` after the tagged OK.
 */
export const fetch: CommandHandler = {
  states: SELECTED,
  uid: true,
  noExpungeAfter: true,
  async run(ctx, cmd): Promise<CommandResult | void> {
    if (cmd.args.length < 2 || cmd.args.length > 3) {
      throw new ImapSyntaxError('FETCH takes a sequence set, data items and optional modifiers');
    }
    const view = selectedView(ctx);
    const { changedSince } = parseFetchModifiers(cmd.args[2]);
    const items = requestedItems(ctx, cmd, changedSince);
    const targets = resolveTargets(view, cmd.args[0], cmd.uid);
    if (targets.length === 0) return;
    markSeen(ctx, items, targets);
    const address = ctx.address!;
    const withBody = needsBody(items);
    let summaries: Map<number, MessageSummary> | undefined;
    if (!withBody && targets.length >= LIST_THRESHOLD) {
      const listed = ctx.store.listMessages(address, view.folder, { changedSince });
      summaries = new Map(listed.map((m) => [m.uid, m]));
    }
    const read = summaries ? undefined : ctx.store.messageReader(address, view.folder);
    let messages = 0;
    let sizeBytes = 0;
    for (const { seq, uid } of targets) {
      const stored = read?.(uid);
      const summary = summaries?.get(uid) ?? stored?.summary;
      if (!summary) continue; // expunged by another session (RFC 2180 §4.1.3), or unchanged
      if (changedSince !== undefined && summary.modseq <= changedSince) continue;
      const response = encodeFetchResponse(seq, fetchValues(items, summary, stored?.raw, view.isRecent(uid)));
      ctx.send(response);
      messages++;
      sizeBytes += response.length;
      await ctx.drain();
    }
    if (!withBody || messages === 0) return;
    return { after: () => ctx.trace.fetched(address, view.folder, messages, sizeBytes) };
  },
};
