import type { FlagOp, FlagStoreResult } from '../../types.js';
import { flagsValue } from '../fetch-response.js';
import { sessionFlags, type MailboxView } from '../mailbox-view.js';
import { resolveTargets, selectedView } from '../message-set.js';
import { formatSequenceSet } from '../syntax/sequence-set.js';
import { encodeFetchResponse, type ResponseValue } from '../syntax/response-writer.js';
import { asAtom, ImapNoError, ImapSyntaxError, type ImapCommand, type ImapValue } from '../syntax/types.js';
import { SELECTED, type CommandContext, type CommandHandler, type CommandResult } from './types.js';

const OPS: Record<string, FlagOp> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

/** Flags as a list `(\Seen $Foo)` or as bare atoms after the item name (both are allowed). */
function flagArgs(values: readonly ImapValue[]): string[] {
  const flat = values.length === 1 && values[0]?.type === 'list' ? values[0].items : values;
  return flat.map((v) => asAtom(v, 'flag'));
}

/** RFC 7162 §3.1.3 `(UNCHANGEDSINCE n)`, the only STORE modifier there is. */
function unchangedSinceOf(value: ImapValue): number {
  const [name, n] = value.type === 'list' ? value.items : [];
  const ok = value.type === 'list' && value.items.length === 2 && name?.type === 'atom' && n?.type === 'number';
  if (!ok || name.value.toUpperCase() !== 'UNCHANGEDSINCE') throw new ImapSyntaxError('Unknown STORE modifier');
  return n.value;
}

interface StoreRequest {
  op: FlagOp;
  silent: boolean;
  flags: string[];
  unchangedSince?: number;
}

function parseStore(cmd: ImapCommand): StoreRequest {
  const rest = cmd.args.slice(1);
  const unchangedSince = rest[0]?.type === 'list' ? unchangedSinceOf(rest.shift()!) : undefined;
  if (rest.length < 2) throw new ImapSyntaxError('STORE takes a sequence set, an item and flags');
  const item = asAtom(rest[0], 'STORE item').toUpperCase();
  const silent = item.endsWith('.SILENT');
  const op = OPS[silent ? item.slice(0, -'.SILENT'.length) : item];
  if (!op) throw new ImapSyntaxError(`Unknown STORE item ${item}`);
  const request: StoreRequest = { op, silent, flags: flagArgs(rest.slice(1)) };
  if (unchangedSince !== undefined) request.unchangedSince = unchangedSince;
  return request;
}

/**
 * The untagged FETCH answers: new flags unless .SILENT (§6.4.6); UID for UID STORE
 * (§6.4.8); under CONDSTORE the MODSEQ of each changed message, even when .SILENT
 * (RFC 7162 §3.1.3), since the client needs it to stay in step.
 */
function report(ctx: CommandContext, view: MailboxView, cmd: ImapCommand, silent: boolean, result: FlagStoreResult) {
  const changed = new Set(result.changed);
  for (const m of result.updated) {
    const seq = view.seqOfUid(m.uid);
    const withModseq = ctx.condstore && changed.has(m.uid);
    if (seq === 0 || (silent && !withModseq)) continue;
    const values: Array<[string, ResponseValue]> = [];
    if (cmd.uid || ctx.condstore) values.push(['UID', m.uid]);
    if (!silent) values.push(['FLAGS', flagsValue(sessionFlags(m.flags, view.isRecent(m.uid)))]);
    if (ctx.condstore) values.push(['MODSEQ', [m.modseq]]);
    ctx.send(encodeFetchResponse(seq, values));
  }
}

/** RFC 3501 §6.4.6, with RFC 7162 UNCHANGEDSINCE and its [MODIFIED set] answer. */
export const store: CommandHandler = {
  states: SELECTED,
  uid: true,
  noExpungeAfter: true,
  run(ctx, cmd): CommandResult | void {
    const view = selectedView(ctx);
    const request = parseStore(cmd);
    if (request.unchangedSince !== undefined) ctx.enable('CONDSTORE');
    if (view.readOnly) throw new ImapNoError('Mailbox is read-only', 'READ-ONLY');
    const targets = resolveTargets(view, cmd.args[0], cmd.uid);
    if (targets.length === 0) return;
    const uids = targets.map((t) => t.uid);
    const opts = request.unchangedSince !== undefined ? { unchangedSince: request.unchangedSince } : {};
    const result = ctx.store.storeFlags(ctx.address!, view.folder, uids, request.flags, request.op, opts);
    view.flagsReported(uids);
    report(ctx, view, cmd, request.silent, result);
    if (result.modified.length === 0) return;
    const failed = cmd.uid ? result.modified : result.modified.map((uid) => view.seqOfUid(uid));
    return { code: `MODIFIED ${formatSequenceSet(failed)}`, text: 'Conditional STORE failed' };
  },
};
