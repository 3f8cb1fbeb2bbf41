import { isMailUserStatus, MAIL_USER_STATUSES } from './mail-user-status.js';
import type { FilterNode } from './filter.js';
import type { DirectoryTree, IndexedEntry } from './tree.js';

/**
 * Run-time changes to a person's `mailUserStatus` (an instructor's `user` fault, an
 * LDAP modify by the service account). The status the world spec gave is kept the
 * first time an entry changes, so "restore" puts back exactly what was built.
 */

export interface UserStatusChange {
  dn: string;
  /** The status before this change ('' when the attribute was absent). */
  previous: string;
  /** The status now. */
  status: string;
  /** True when this change put back the spec's status. */
  restored: boolean;
}

const ATTRIBUTE = 'mailUserStatus';

export class UserStatusEditor {
  /** Normalized DN → the values the spec gave, recorded before the first change. */
  private readonly original = new Map<string, string[]>();

  constructor(private readonly tree: DirectoryTree) {}

  /**
   * Set the status of the person whose mail, alternate address or uid is `who`;
   * `undefined` restores the spec's status. Throws for an unknown person or status.
   */
  set(who: string, status: string | undefined): UserStatusChange {
    const entry = this.findPerson(who);
    return this.setEntry(entry, status);
  }

  /** The same for an entry already known by its normalized DN (an LDAP modify). */
  setByDn(normDn: string, status: string | undefined): UserStatusChange {
    const entry = this.tree.get(normDn);
    if (!entry || !isPerson(entry)) throw new Error(`${normDn} is not a mail user`);
    return this.setEntry(entry, status);
  }

  private setEntry(entry: IndexedEntry, status: string | undefined): UserStatusChange {
    const wanted = status === undefined ? undefined : status.trim().toLowerCase();
    if (wanted !== undefined && !isMailUserStatus(wanted)) {
      throw new Error(`unknown mailUserStatus "${status}" (one of ${MAIL_USER_STATUSES.join(', ')})`);
    }
    const kept = this.original.get(entry.normDn);
    const values = wanted === undefined ? (kept ?? currentValues(entry)) : [wanted];
    const previous = this.tree.replaceValues(entry.normDn, ATTRIBUTE, values);
    if (!kept) this.original.set(entry.normDn, previous);
    return { dn: entry.dn, previous: previous[0] ?? '', status: values[0] ?? '', restored: wanted === undefined };
  }

  private findPerson(who: string): IndexedEntry {
    const value = who.trim();
    if (value === '') throw new Error('no user given');
    const byName: FilterNode = value.includes('@')
      ? {
          type: 'or',
          clauses: [
            { type: 'equality', attribute: 'mail', value },
            { type: 'equality', attribute: 'mailAlternateAddress', value },
          ],
        }
      : { type: 'equality', attribute: 'uid', value };
    const filter: FilterNode = {
      type: 'and',
      clauses: [{ type: 'equality', attribute: 'objectClass', value: 'inetMailUser' }, byName],
    };
    const found = this.tree.search('', 'sub', filter) ?? [];
    if (found.length === 0) throw new Error(`no mail user ${value} in the directory`);
    if (found.length > 1) throw new Error(`${value} names ${found.length} users in the directory`);
    return found[0]!;
  }
}

function isPerson(entry: IndexedEntry): boolean {
  return entry.matchValues.get('objectclass')?.includes('inetmailuser') ?? false;
}

function currentValues(entry: IndexedEntry): string[] {
  return entry.attributes.find((a) => a.key === 'mailuserstatus')?.values ?? [];
}
