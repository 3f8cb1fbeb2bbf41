import { isMailUserStatus } from './mail-user-status.js';
import { ResultCode } from './result-codes.js';
import type { DirectoryTree } from './tree.js';
import type { UserStatusChange, UserStatusEditor } from './user-status-editor.js';

/**
 * The modify operation (RFC 4511 §4.6) as plain logic, deliberately narrow: the
 * service account may replace (or delete, i.e. restore) a person's
 * `mailUserStatus` — what an administrator does with `ldapmodify` to suspend a
 * mailbox — and nothing else can be written over the wire. The rest of the
 * directory comes from the world spec and is edited there.
 */

export interface ModifyChange {
  /** `add`, `delete` or `replace`. */
  operation: string;
  type: string;
  values: string[];
}

export interface ModifyInput {
  dn: string;
  changes: ModifyChange[];
  /** Normalized DN the connection is bound as, undefined when anonymous. */
  boundNormDn: string | undefined;
  serviceNormDn: string;
}

export type ModifyOutcome =
  | { status: typeof ResultCode.success; change: UserStatusChange }
  | { status: number; message: string; matchedDn?: string };

export function runModify(tree: DirectoryTree, editor: UserStatusEditor, input: ModifyInput): ModifyOutcome {
  if (input.boundNormDn !== input.serviceNormDn) {
    return refuse(ResultCode.insufficientAccessRights, 'only the mail service account may modify the directory');
  }
  let normDn: string;
  try {
    normDn = tree.normalize(input.dn);
  } catch (err) {
    return refuse(ResultCode.invalidDnSyntax, (err as Error).message);
  }
  if (!tree.get(normDn)) {
    return {
      status: ResultCode.noSuchObject,
      message: `no such entry: ${input.dn}`,
      matchedDn: tree.closestExisting(input.dn),
    };
  }
  const [change, ...more] = input.changes;
  if (!change || more.length > 0 || change.type.toLowerCase() !== 'mailuserstatus') {
    return refuse(ResultCode.unwillingToPerform, 'only one change, of mailUserStatus, may be made over LDAP');
  }
  const status = statusOf(change);
  if (status === false) {
    return refuse(
      ResultCode.unwillingToPerform,
      'replace mailUserStatus with one known value, or delete it to restore',
    );
  }
  try {
    return { status: ResultCode.success, change: editor.setByDn(normDn, status) };
  } catch (err) {
    return refuse(ResultCode.unwillingToPerform, (err as Error).message);
  }
}

/** The new status, `undefined` for "restore the spec's", `false` for a change we refuse. */
function statusOf(change: ModifyChange): string | undefined | false {
  const op = change.operation.toLowerCase();
  if (op === 'delete' && change.values.length === 0) return undefined;
  if (op !== 'replace' || change.values.length !== 1) return false;
  const value = change.values[0]!.trim().toLowerCase();
  return isMailUserStatus(value) ? value : false;
}

function refuse(status: number, message: string): ModifyOutcome {
  return { status, message };
}
