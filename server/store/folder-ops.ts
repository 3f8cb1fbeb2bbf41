import { findFolder, insertFolder, requireFolder, type Changes, type StoreContext } from './context.js';
import { canonicalName, checkSpecialUse, INBOX, isInferiorOf, parentNames, validNewName } from './folder-names.js';
import type { FolderRow, UserRow } from './statements.js';
import { cannot, folderExists } from './store-error.js';
import type { FolderInfo } from './types.js';

/**
 * Folder operations (IMAP CREATE, DELETE, RENAME, SUBSCRIBE, LIST/STATUS data).
 * Each runs inside the caller's transaction and returns the changes it made.
 */

function toFolderInfo(
  row: FolderRow,
  counts: { messages: number; unseen: number; recent: number } | undefined,
  subscribed: boolean,
): FolderInfo {
  const info: FolderInfo = {
    name: row.name,
    uidValidity: row.uid_validity,
    uidNext: row.uid_next,
    highestModseq: row.highest_modseq,
    messages: counts?.messages ?? 0,
    unseen: counts?.unseen ?? 0,
    recent: counts?.recent ?? 0,
    subscribed,
  };
  if (row.special_use) info.specialUse = row.special_use;
  return info;
}

export function listFolders(ctx: StoreContext, user: UserRow): FolderInfo[] {
  const counts = new Map(ctx.sql.folderCounts.all(user.id).map((c) => [c.folder_id, c]));
  const subscribed = new Set(ctx.sql.subscriptionsOfUser.all(user.id).map((s) => s.name));
  const infos = ctx.sql.foldersOfUser
    .all(user.id)
    .map((row) => toFolderInfo(row, counts.get(row.id), subscribed.has(row.name)));
  // INBOX first, as every client shows it; the rest in code-point order (a parent before its children).
  return infos.sort((a, b) =>
    a.name === INBOX ? -1 : b.name === INBOX ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** One folder's status (IMAP SELECT / STATUS) without counting the user's other folders. */
export function folderInfo(ctx: StoreContext, user: UserRow, name: string): FolderInfo {
  const row = requireFolder(ctx, user, name);
  const subscribed = ctx.sql.isSubscribed.get(user.id, row.name) !== undefined;
  return toFolderInfo(row, ctx.sql.folderCount.get(row.recent_uid_floor, row.id), subscribed);
}

/** RFC 3501 CREATE: superior names that are needed are created too. */
export function createFolder(ctx: StoreContext, user: UserRow, input: string, specialUseText?: string): FolderRow {
  const name = validNewName(input);
  const specialUse = checkSpecialUse(specialUseText);
  if (findFolder(ctx, user, name)) throw folderExists(name);
  createParents(ctx, user, name);
  return insertFolder(ctx, user, name, specialUse);
}

/** RFC 3501 DELETE: inferiors stay; subscriptions stay (a subscription is only a name). */
export function deleteFolder(ctx: StoreContext, user: UserRow, input: string): Changes {
  const folder = requireFolder(ctx, user, input);
  if (folder.name === INBOX) throw cannot('INBOX cannot be deleted');
  const uids: number[] = [];
  for (const row of ctx.sql.messagesOfFolder.all(folder.id)) {
    ctx.sql.deleteMessage.run(folder.id, row.uid);
    ctx.sql.releaseBodyRef.run(row.body_id);
    ctx.sql.dropUnreferencedBody.run(row.body_id);
    uids.push(row.uid);
  }
  ctx.sql.dropExpunged.run(folder.id);
  ctx.sql.deleteFolder.run(folder.id);
  return uids.length > 0 ? [{ address: user.address, folder: folder.name, kind: 'expunge', uids }] : [];
}

function createParents(ctx: StoreContext, user: UserRow, name: string): void {
  for (const parent of parentNames(name)) {
    if (!findFolder(ctx, user, parent)) insertFolder(ctx, user, parent);
  }
}

/**
 * RFC 3501 says renaming INBOX moves its messages to a new folder and leaves INBOX
 * empty. The messages keep their UIDs (the new folder has a new UIDVALIDITY anyway)
 * and INBOX keeps its UIDNEXT, so no UID is ever reused there.
 */
function renameInbox(ctx: StoreContext, user: UserRow, inbox: FolderRow, to: string): Changes {
  createParents(ctx, user, to);
  const target = insertFolder(ctx, user, to);
  const uids = ctx.sql.messagesOfFolder.all(inbox.id).map((r) => r.uid);
  ctx.sql.moveAllMessages.run(target.id, inbox.id);
  ctx.sql.setCounters.run(inbox.uid_next, inbox.highest_modseq, inbox.recent_uid_floor, target.id);
  if (uids.length === 0) return [];
  const modseq = ctx.sql.bumpModseq.get(inbox.id)!.modseq;
  for (const uid of uids) ctx.sql.insertExpunged.run(inbox.id, uid, modseq);
  return [
    { address: user.address, folder: INBOX, kind: 'expunge', uids },
    { address: user.address, folder: to, kind: 'exists', uids },
  ];
}

/** RFC 3501 RENAME: inferiors move along; subscriptions follow the names. */
export function renameFolder(ctx: StoreContext, user: UserRow, fromInput: string, toInput: string): Changes {
  const folder = requireFolder(ctx, user, fromInput);
  const to = validNewName(toInput);
  if (findFolder(ctx, user, to)) throw folderExists(to);
  if (folder.name === INBOX) return renameInbox(ctx, user, folder, to);
  if (isInferiorOf(to, folder.name)) throw cannot('A folder cannot be renamed into itself');
  const moving = ctx.sql.foldersOfUser
    .all(user.id)
    .filter((f) => f.id === folder.id || isInferiorOf(f.name, folder.name));
  const renamed = moving.map((f) => ({ row: f, name: to + f.name.slice(folder.name.length) }));
  for (const { name } of renamed) {
    if (findFolder(ctx, user, name)) throw folderExists(name);
  }
  for (const { row, name } of renamed) {
    ctx.sql.renameFolder.run(name, row.id);
    const wasSubscribed = ctx.sql.unsubscribe.run(user.id, row.name).changes > 0;
    if (wasSubscribed) ctx.sql.subscribe.run(user.id, name);
  }
  createParents(ctx, user, to);
  return [];
}

/** Subscribing to a name that does not exist is allowed (RFC 3501 SUBSCRIBE). */
export function subscribe(ctx: StoreContext, user: UserRow, input: string, on: boolean): void {
  if (on) ctx.sql.subscribe.run(user.id, validNewName(input));
  else ctx.sql.unsubscribe.run(user.id, canonicalName(input));
}

/**
 * \Recent (RFC 3501): messages at or above the returned UID are recent for the
 * session that called this; later sessions will not see them as recent.
 */
export function claimRecent(ctx: StoreContext, folder: FolderRow): number {
  ctx.sql.claimRecent.run(folder.id);
  return folder.recent_uid_floor;
}
