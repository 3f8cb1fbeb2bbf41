import { selectedView } from '../message-set.js';
import { SearchMatcher } from '../search-match.js';
import { parseSearch } from '../syntax/search-keys.js';
import { SELECTED, type CommandHandler } from './types.js';

/** RFC 3501 §6.4.4; UID SEARCH answers UIDs (§6.4.8). */
export const search: CommandHandler = {
  states: SELECTED,
  uid: true,
  noExpungeAfter: true,
  run(ctx, cmd) {
    const view = selectedView(ctx);
    const query = parseSearch(cmd.args);
    const matcher = new SearchMatcher(ctx.store, view);
    const found: number[] = [];
    for (const summary of ctx.store.listMessages(ctx.address!, view.folder)) {
      const seq = view.seqOfUid(summary.uid);
      if (seq === 0) continue; // arrived after the client's last EXISTS
      if (matcher.matches(query.criteria, { seq, summary })) found.push(cmd.uid ? summary.uid : seq);
    }
    ctx.send(`* SEARCH${found.map((n) => ` ${n}`).join('')}\r\n`);
  },
};
