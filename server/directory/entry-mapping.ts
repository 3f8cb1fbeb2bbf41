import type { SearchEntry } from './ldap-connection.js';
import type { DirectoryDomain, DirectoryGroup, DirectoryRecipient, DirectoryUser } from './types.js';

/**
 * Turning search result entries (attribute names as the server spelled them, each
 * with its values) into the typed records the MTA and the MMP use.
 */

/** The attributes a recipient lookup asks for; userPassword is never among them. */
export const RECIPIENT_ATTRIBUTES = [
  'objectClass',
  'uid',
  'cn',
  'mail',
  'mailAlternateAddress',
  'mailHost',
  'mailDeliveryOption',
  'mailForwardingAddress',
  'mailUserStatus',
  'mgrpRFC822MailMember',
];

export const DOMAIN_ATTRIBUTES = ['associatedDomain', 'dc', 'mailRoutingHost'];

/** A search result entry with case-insensitive attribute access (LDAP names are). */
export class ResultEntryView {
  private readonly values = new Map<string, string[]>();

  constructor(readonly entry: SearchEntry) {
    for (const [name, values] of entry.attributes) this.values.set(name.toLowerCase(), values);
  }

  get dn(): string {
    return this.entry.dn;
  }

  all(name: string): string[] {
    return this.values.get(name.toLowerCase()) ?? [];
  }

  first(name: string): string {
    return this.all(name)[0] ?? '';
  }
}

export function isGroupEntry(view: ResultEntryView): boolean {
  const classes = view.all('objectClass').map((c) => c.toLowerCase());
  return classes.includes('inetmailgroup') || classes.includes('groupofuniquenames');
}

export function toUser(entry: SearchEntry): DirectoryUser {
  return userFrom(new ResultEntryView(entry));
}

function userFrom(view: ResultEntryView): DirectoryUser {
  return {
    kind: 'user',
    dn: view.dn,
    uid: view.first('uid'),
    cn: view.first('cn'),
    mail: view.first('mail'),
    alternateAddresses: view.all('mailAlternateAddress'),
    mailHost: view.first('mailHost'),
    deliveryOptions: view.all('mailDeliveryOption').map((o) => o.toLowerCase()),
    forwardingAddresses: view.all('mailForwardingAddress'),
    status: (view.first('mailUserStatus') || 'active').toLowerCase(),
  };
}

function groupFrom(view: ResultEntryView): DirectoryGroup {
  return {
    kind: 'group',
    dn: view.dn,
    cn: view.first('cn'),
    mail: view.first('mail'),
    members: view.all('mgrpRFC822MailMember'),
  };
}

export function toRecipient(entry: SearchEntry): DirectoryRecipient {
  const view = new ResultEntryView(entry);
  return isGroupEntry(view) ? groupFrom(view) : userFrom(view);
}

export function toDomain(entry: SearchEntry): DirectoryDomain {
  const view = new ResultEntryView(entry);
  return {
    name: (view.first('associatedDomain') || view.first('dc')).toLowerCase(),
    mailRoutingHost: view.first('mailRoutingHost'),
  };
}
