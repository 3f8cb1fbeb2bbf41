import type { HostThread } from '../core/host-thread.js';
import { isMailUserStatus, MAIL_USER_STATUSES } from './mail-user-status.js';
import type { UserStatusChange } from './user-status-editor.js';

/**
 * The main thread's side of a run-time status change: the world (a `user` fault)
 * asks the directory thread to rewrite a person's mailUserStatus. Kept apart from
 * directory-thread.ts, which may only be loaded inside its worker.
 */

export type { UserStatusChange } from './user-status-editor.js';

/** The message sent to the directory thread's `setUserStatus` handler. */
export interface SetUserStatusArgs {
  who: string;
  /** null (across the thread boundary) or undefined: restore the world spec's status. */
  status: string | null;
}

/**
 * Set the mailUserStatus of the person whose mail, mailAlternateAddress or uid is
 * `address`; `undefined`/`null` restores the status the world spec gave. Resolves
 * once the directory holds it (the next search sees it); throws an Error naming the
 * address when there is no such user, or when the status is not one of Sun's.
 */
export async function setUserStatus(
  thread: HostThread,
  address: string,
  status: string | null | undefined,
): Promise<UserStatusChange> {
  const wanted = status == null ? null : status.trim().toLowerCase();
  if (wanted !== null && !isMailUserStatus(wanted)) {
    throw new Error(`unknown mailUserStatus "${status}" (one of ${MAIL_USER_STATUSES.join(', ')})`);
  }
  const args: SetUserStatusArgs = { who: address, status: wanted };
  try {
    return await thread.call<UserStatusChange>('setUserStatus', args);
  } catch (err) {
    throw new Error(`cannot set mailUserStatus of ${address}: ${(err as Error).message}`, { cause: err });
  }
}
