import type Database from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import { canonicalName, DEFAULT_FOLDERS, INBOX } from './folder-names.js';
import type { FolderRow, Statements, UserRow } from './statements.js';
import { noSuchFolder, noSuchMailbox } from './store-error.js';
import type { SpecialUse, StoreChange } from './types.js';

/** What every store operation works with: one connection, its statements, the world clock. */
export interface StoreContext {
  db: Database.Database;
  sql: Statements;
  clock: Clock;
}

/** Changes an operation made, told to listeners once its transaction has committed. */
export type Changes = StoreChange[];

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function findUser(ctx: StoreContext, address: string): UserRow | undefined {
  return ctx.sql.userByAddress.get(normalizeAddress(address));
}

export function requireUser(ctx: StoreContext, address: string): UserRow {
  const user = findUser(ctx, address);
  if (!user) throw noSuchMailbox();
  return user;
}

export function findFolder(ctx: StoreContext, user: UserRow, name: string): FolderRow | undefined {
  return ctx.sql.folderByName.get(user.id, canonicalName(name));
}

export function requireFolder(ctx: StoreContext, user: UserRow, name: string): FolderRow {
  const folder = findFolder(ctx, user, name);
  if (!folder) throw noSuchFolder(name);
  return folder;
}

const UINT32_MAX = 0xffff_ffff;

/**
 * A UIDVALIDITY for a new folder: seconds since the epoch, but always above the
 * last one this user got, so a folder deleted and recreated within the same second
 * (or under a stepped clock) still gets a new value, as RFC 3501 requires.
 */
export function nextUidValidity(ctx: StoreContext, user: UserRow): number {
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  let value = Math.max(nowSeconds, user.last_uid_validity + 1);
  if (value > UINT32_MAX || value < 1) value = (user.last_uid_validity % UINT32_MAX) + 1;
  ctx.sql.setLastUidValidity.run(value, user.id);
  user.last_uid_validity = value;
  return value;
}

export function insertFolder(ctx: StoreContext, user: UserRow, name: string, specialUse?: SpecialUse): FolderRow {
  const uidValidity = nextUidValidity(ctx, user);
  ctx.sql.insertFolder.run(user.id, name, specialUse ?? null, uidValidity, ctx.clock.now());
  return ctx.sql.folderByName.get(user.id, name)!;
}

/** Runs inside a transaction: the user, INBOX always, the other defaults only for a new user. */
export function ensureUserRows(ctx: StoreContext, address: string, login: string): void {
  let user = findUser(ctx, address);
  const isNew = !user;
  if (!user) {
    ctx.sql.insertUser.run(normalizeAddress(address), login, ctx.clock.now());
    user = findUser(ctx, address)!;
  }
  // A user who deleted Trash keeps it deleted; only INBOX cannot be missing.
  const wanted = isNew ? DEFAULT_FOLDERS : DEFAULT_FOLDERS.filter((f) => f.name === INBOX);
  for (const folder of wanted) {
    if (findFolder(ctx, user, folder.name)) continue;
    insertFolder(ctx, user, folder.name, folder.specialUse);
    ctx.sql.subscribe.run(user.id, folder.name);
  }
}
