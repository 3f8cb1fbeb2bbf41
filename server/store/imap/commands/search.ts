import { selectedView } from '../message-set.js';
import { SearchMatcher } from '../search-match.js';
import { parseSearch, type SearchKey } from '../syntax/search-keys.js';
import { SELECTED, type CommandHandler } from './types.js';

function usesModseq(key: SearchKey): boolean {
  switch (key.op) {
    case 'modseq':
      return true;
    case 'not':
      return usesModseq(key.key);
    case 'or':
      return usesModseq(key.left) || usesModseq(key.right);
    case 'and':
      return key.keys.some(usesModseq);
    default:
      return false;
  }
}

/**
 * RFC 3501 §6.4.4; UID SEARCH answers UIDs (§6.4.8). With a MODSEQ key, RFC 7162
 * §3.1.5 adds `(MODSEQ n)`: the highest MODSEQ among the messages found.
 */
export const search: CommandHandler = {
  states: SELECTED,
  uid: true,
  noExpungeAfter: true,
  run(ctx, cmd) {
    const view = selectedView(ctx);
    const query = parseSearch(cmd.args);
    const withModseq = usesModseq(query.criteria);
    if (withModseq) ctx.enable('CONDSTORE');
    const matcher = new SearchMatcher(ctx.store, view);
    const found: number[] = [];
    let highest = 0;
    for (const summary of ctx.store.listMessages(ctx.address!, view.folder)) {
      const seq = view.seqOfUid(summary.uid);
      if (seq === 0) continue; // arrived after the client's last EXISTS
      if (!matcher.matches(query.criteria, { seq, summary })) continue;
      found.push(cmd.uid ? summary.uid : seq);
      highest = Math.max(highest, summary.modseq);
    }
    const modseq = withModseq && found.length > 0 ? ` (MODSEQ ${highest})` : '';
    ctx.send(`* SEARCH${found.map((n) => ` ${n}`).join('')}${modseq}\r\n`);
  },
};
