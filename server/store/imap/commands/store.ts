import type { FlagOp } from '../../types.js';
import { flagsValue } from '../fetch-response.js';
import { resolveTargets, selectedView } from '../message-set.js';
import { encodeFetchResponse, type ResponseValue } from '../syntax/response-writer.js';
import { asAtom, ImapNoError, ImapSyntaxError, type ImapValue } from '../syntax/types.js';
import { SELECTED, type CommandHandler } from './types.js';

const OPS: Record<string, FlagOp> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

/** Flags as a list `(\Seen $Foo)` or as bare atoms after the item name (both are allowed). */
function flagArgs(values: readonly ImapValue[]): string[] {
  const flat = values.length === 1 && values[0]?.type === 'list' ? values[0].items : values;
  return flat.map((v) => asAtom(v, 'flag'));
}

/** RFC 3501 §6.4.6: answers the new flags unless .SILENT (UID STORE adds UID, §6.4.8). */
export const store: CommandHandler = {
  states: SELECTED,
  uid: true,
  noExpungeAfter: true,
  run(ctx, cmd) {
    if (cmd.args.length < 3) throw new ImapSyntaxError('STORE takes a sequence set, an item and flags');
    const view = selectedView(ctx);
    const item = asAtom(cmd.args[1], 'STORE item').toUpperCase();
    const silent = item.endsWith('.SILENT');
    const op = OPS[silent ? item.slice(0, -'.SILENT'.length) : item];
    if (!op) throw new ImapSyntaxError(`Unknown STORE item ${item}`);
    const flags = flagArgs(cmd.args.slice(2));
    if (view.readOnly) throw new ImapNoError('Mailbox is read-only', 'READ-ONLY');
    const targets = resolveTargets(view, cmd.args[0], cmd.uid);
    if (targets.length === 0) return;
    const updated = ctx.store.setFlags(
      ctx.address!,
      view.folder,
      targets.map((t) => t.uid),
      flags,
      op,
    );
    view.flagsReported(targets.map((t) => t.uid));
    if (silent) return;
    for (const m of updated) {
      const seq = view.seqOfUid(m.uid);
      if (seq === 0) continue;
      const values: Array<[string, ResponseValue]> = [['FLAGS', flagsValue(m.flags)]];
      if (cmd.uid) values.push(['UID', m.uid]);
      ctx.send(encodeFetchResponse(seq, values));
    }
  },
};
