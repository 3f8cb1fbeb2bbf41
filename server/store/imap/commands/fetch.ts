import type { MessageSummary } from '../../types.js';
import { fetchValues, needsBody } from '../fetch-response.js';
import { resolveTargets, selectedView } from '../message-set.js';
import { fetchSetsSeen, parseFetchItems, type FetchItem } from '../syntax/fetch-items.js';
import { encodeFetchResponse } from '../syntax/response-writer.js';
import { ImapSyntaxError } from '../syntax/types.js';
import { SELECTED, type CommandHandler } from './types.js';

/** Below this many messages, reading each one is cheaper than listing the whole folder. */
const LIST_THRESHOLD = 64;

/**
 * RFC 3501 §6.4.5 and §6.4.8 (UID FETCH always answers UID). Flag-and-size fetches
 * of many messages read the summaries in one listMessages call; body fetches read
 * one message at a time and write it out before the next, so a 1:* body fetch does
 * not hold the mailbox in memory.
 */
export const fetch: CommandHandler = {
  states: SELECTED,
  uid: true,
  noExpungeAfter: true,
  async run(ctx, cmd) {
    if (cmd.args.length < 2 || cmd.args.length > 3) {
      throw new ImapSyntaxError('FETCH takes a sequence set and data items');
    }
    const view = selectedView(ctx);
    const items: FetchItem[] = parseFetchItems(cmd.args[1]);
    if (cmd.uid && !items.some((i) => i.kind === 'UID')) items.unshift({ kind: 'UID' });
    const targets = resolveTargets(view, cmd.args[0], cmd.uid);
    if (targets.length === 0) return;
    const address = ctx.address!;
    // Non-PEEK body fetches set \Seen (§6.4.5) and then answer FLAGS as well.
    const setsSeen = !view.readOnly && items.some(fetchSetsSeen);
    if (setsSeen) {
      const uids = targets.map((t) => t.uid);
      ctx.store.setFlags(address, view.folder, uids, ['\\Seen'], 'add');
      view.flagsReported(uids);
      if (!items.some((i) => i.kind === 'FLAGS')) items.push({ kind: 'FLAGS' });
    }
    const withBody = needsBody(items);
    let summaries: Map<number, MessageSummary> | undefined;
    if (!withBody && targets.length >= LIST_THRESHOLD) {
      summaries = new Map(ctx.store.listMessages(address, view.folder).map((m) => [m.uid, m]));
    }
    for (const { seq, uid } of targets) {
      const stored = summaries ? undefined : ctx.store.getMessage(address, view.folder, uid);
      const summary = summaries?.get(uid) ?? stored?.summary;
      if (!summary) continue; // expunged by another session; RFC 2180 §4.1.3 lets us leave it out
      ctx.send(encodeFetchResponse(seq, fetchValues(items, summary, stored?.raw)));
      await ctx.drain();
    }
  },
};
