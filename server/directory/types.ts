/**
 * Shapes shared by the directory server (what the tree holds) and the directory
 * client (what the MTA and the MMP get back from a lookup).
 */

/** One LDAP entry as data: its DN and attributes, names in their schema spelling. */
export interface DirectoryEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** The account the MTA and the MMP bind as to read the directory. */
export interface ServiceCredentials {
  dn: string;
  password: string;
}

export interface DirectoryUser {
  kind: 'user';
  dn: string;
  uid: string;
  cn: string;
  mail: string;
  alternateAddresses: string[];
  mailHost: string;
  /** `mailbox`, `forward` (Sun's mailDeliveryOption; several may be set at once). */
  deliveryOptions: string[];
  forwardingAddresses: string[];
  /** mailUserStatus, lower case (`active` when absent); mail-user-status.ts says what each means. */
  status: string;
}

export interface DirectoryGroup {
  kind: 'group';
  dn: string;
  cn: string;
  mail: string;
  /** Every member's address (mgrpRFC822MailMember). */
  members: string[];
}

export type DirectoryRecipient = DirectoryUser | DirectoryGroup;

export interface DirectoryDomain {
  name: string;
  mailRoutingHost: string;
}

/** Links a lookup to the message that caused it, so the trace can draw it on that message's path. */
export interface TraceContext {
  traceId?: string;
  spanId?: string;
}
