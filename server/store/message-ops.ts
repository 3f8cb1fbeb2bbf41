import type { StoreContext } from './context.js';
import { applyFlagOp, decodeFlags, encodeFlags, flagColumns, sameFlags } from './flags.js';
import type { HeaderSummary } from './headers.js';
import { toSummary, type FolderRow } from './statements.js';
import type { FlagOp, FlagStoreResult, MessageSummary, StoredMessage, UidMapping } from './types.js';

/**
 * Message operations on one folder. Each runs inside the caller's transaction and
 * returns what changed; the store tells listeners only after the commit.
 */

export interface NewMessage {
  raw: Buffer;
  header: HeaderSummary;
  /** Normalized (see flags.ts). */
  flags: string[];
  internalDate: number;
}

export function insertMessage(ctx: StoreContext, folder: FolderRow, msg: NewMessage): { uid: number; modseq: number } {
  const { uid, modseq } = ctx.sql.allocateUid.get(folder.id)!;
  const bodyId = Number(ctx.sql.insertBody.run(msg.raw).lastInsertRowid);
  ctx.sql.insertMessage.run({
    folder_id: folder.id,
    uid,
    body_id: bodyId,
    modseq,
    flags: encodeFlags(msg.flags),
    ...flagColumns(msg.flags),
    internal_date: msg.internalDate,
    size_bytes: msg.raw.length,
    message_id: msg.header.messageId ?? null,
    subject: msg.header.subject,
    from_text: msg.header.from,
    to_text: msg.header.to,
    date_at: msg.header.date ?? null,
  });
  return { uid, modseq };
}

export function listMessages(ctx: StoreContext, folder: FolderRow, changedSince?: number): MessageSummary[] {
  const rows =
    changedSince === undefined
      ? ctx.sql.messagesOfFolder.all(folder.id)
      : ctx.sql.messagesChangedSince.all(folder.id, changedSince);
  return rows.map(toSummary);
}

export function getMessage(ctx: StoreContext, folder: FolderRow, uid: number): StoredMessage | undefined {
  const row = ctx.sql.messageByUid.get(folder.id, uid);
  if (!row) return undefined;
  const body = ctx.sql.bodyRaw.get(row.body_id);
  return body ? { summary: toSummary(row), raw: body.raw } : undefined;
}

/** The same as getMessage in one statement (the FETCH loop's hot path). */
export function getMessageWithBody(ctx: StoreContext, folder: FolderRow, uid: number): StoredMessage | undefined {
  const row = ctx.sql.messageWithBody.get(folder.id, uid);
  if (!row) return undefined;
  const { raw, ...message } = row;
  return { summary: toSummary(message), raw };
}

function uniqueSorted(uids: readonly number[]): number[] {
  return [...new Set(uids)].filter((uid) => Number.isSafeInteger(uid) && uid > 0).sort((a, b) => a - b);
}

/**
 * STORE: one modseq for the whole command (RFC 7162 allows it, and it keeps
 * HIGHESTMODSEQ from racing ahead); messages whose flags do not change keep theirs.
 */
export function storeFlags(
  ctx: StoreContext,
  folder: FolderRow,
  uids: readonly number[],
  flags: string[],
  op: FlagOp,
  unchangedSince?: number,
): FlagStoreResult {
  const result: FlagStoreResult = { updated: [], modified: [], changed: [] };
  let modseq: number | undefined;
  for (const uid of uniqueSorted(uids)) {
    const row = ctx.sql.messageByUid.get(folder.id, uid);
    if (!row) continue;
    if (unchangedSince !== undefined && row.modseq > unchangedSince) {
      result.modified.push(uid);
      continue;
    }
    const current = decodeFlags(row.flags);
    const next = applyFlagOp(current, flags, op);
    if (sameFlags(current, next)) {
      result.updated.push(toSummary(row));
      continue;
    }
    modseq ??= ctx.sql.bumpModseq.get(folder.id)!.modseq;
    const { seen, deleted } = flagColumns(next);
    ctx.sql.updateFlags.run(encodeFlags(next), seen, deleted, modseq, folder.id, uid);
    result.updated.push(toSummary({ ...row, flags: encodeFlags(next), modseq }));
    result.changed.push(uid);
  }
  return result;
}

function releaseBody(ctx: StoreContext, bodyId: number): void {
  ctx.sql.releaseBodyRef.run(bodyId);
  ctx.sql.dropUnreferencedBody.run(bodyId);
}

/** Removes messages for good; their UIDs are remembered with the modseq of the removal. */
export function removeMessages(ctx: StoreContext, folder: FolderRow, uids: readonly number[]): number[] {
  const removed: number[] = [];
  let modseq: number | undefined;
  for (const uid of uniqueSorted(uids)) {
    const row = ctx.sql.messageByUid.get(folder.id, uid);
    if (!row) continue;
    modseq ??= ctx.sql.bumpModseq.get(folder.id)!.modseq;
    ctx.sql.deleteMessage.run(folder.id, uid);
    releaseBody(ctx, row.body_id);
    ctx.sql.insertExpunged.run(folder.id, uid, modseq);
    removed.push(uid);
  }
  return removed;
}

/** EXPUNGE, or UID EXPUNGE (RFC 4315) when `uids` is given: only messages marked \Deleted go. */
export function expunge(ctx: StoreContext, folder: FolderRow, uids?: readonly number[]): number[] {
  let doomed = ctx.sql.deletedUids.all(folder.id).map((r) => r.uid);
  if (uids) {
    const wanted = new Set(uids);
    doomed = doomed.filter((uid) => wanted.has(uid));
  }
  return removeMessages(ctx, folder, doomed);
}

/** COPY keeps flags and internal date (RFC 3501); the body is shared, not duplicated. */
export function copyMessages(ctx: StoreContext, from: FolderRow, uids: readonly number[], to: FolderRow): UidMapping[] {
  const mapping: UidMapping[] = [];
  for (const uid of uniqueSorted(uids)) {
    const row = ctx.sql.messageByUid.get(from.id, uid);
    if (!row) continue;
    const target = ctx.sql.allocateUid.get(to.id)!;
    ctx.sql.addBodyRef.run(row.body_id);
    const flags = decodeFlags(row.flags);
    ctx.sql.insertMessage.run({
      ...row,
      folder_id: to.id,
      uid: target.uid,
      modseq: target.modseq,
      ...flagColumns(flags),
    });
    mapping.push({ fromUid: uid, toUid: target.uid });
  }
  return mapping;
}

/** MOVE (RFC 6851): copy, then remove from the source without needing \Deleted. */
export function moveMessages(ctx: StoreContext, from: FolderRow, uids: readonly number[], to: FolderRow): UidMapping[] {
  const mapping = copyMessages(ctx, from, uids, to);
  removeMessages(
    ctx,
    from,
    mapping.map((m) => m.fromUid),
  );
  return mapping;
}
