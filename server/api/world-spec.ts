/**
 * The world spec: a typed data file that describes a whole lab — the site, its hosts
 * and their services, the directory's people and groups, the DNS zones of the
 * simulated Internet and the settings of the mail system. Types only; validation
 * lives in server/world/spec-schema.ts.
 */

export type HostRole = 'mta' | 'store' | 'directory' | 'dns' | 'mmp' | 'web' | 'lan-mta' | 'smarthost' | 'internet-mta';

export type ServiceProtocol = 'smtp' | 'submission' | 'lmtp' | 'imap' | 'pop3' | 'ldap' | 'dns' | 'http';

export interface ServiceSpec {
  protocol: ServiceProtocol;
  /** 0 picks an ephemeral port (tests). */
  port: number;
}

export interface HostSpec {
  /** Fully qualified name; also the node id on the diagram and in the trace. */
  name: string;
  role: HostRole;
  label?: string;
  services: ServiceSpec[];
}

export interface DomainSpec {
  name: string;
  /** The host that holds this domain's mail (the site MTA, or a LAN messaging server). */
  host: string;
}

export interface SiteSpec {
  /** The organisation's main mail domain, e.g. siroe.example. */
  domain: string;
  /** LDAP suffix, e.g. o=siroe.example. */
  baseDn: string;
  domains: DomainSpec[];
}

export type DeliveryOption = 'mailbox' | 'forward';
export type UserStatus = 'active' | 'inactive' | 'disabled' | 'removed' | 'deleted' | 'hold' | 'overquota';

export interface UserSpec {
  uid: string;
  cn: string;
  mail: string;
  /** Defaults to the uid (the lab's rule: password = user name). */
  password?: string;
  alternateAddresses?: string[];
  /** The store host that keeps this user's mailbox. */
  mailHost: string;
  deliveryOptions?: DeliveryOption[];
  forwardingAddresses?: string[];
  status?: UserStatus;
}

export interface GroupSpec {
  cn: string;
  mail: string;
  /** Member mail addresses. */
  members: string[];
}

export type DnsRecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS';

export interface DnsRecordSpec {
  name: string;
  type: DnsRecordType;
  value: string;
  priority?: number;
  ttl?: number;
}

export interface DnsZoneSpec {
  origin: string;
  records: DnsRecordSpec[];
}

export interface RemoteMailboxSpec {
  address: string;
  /** The Internet MTA host that holds it. */
  host: string;
}

export interface WorldSettings {
  /** Address every listener binds to. */
  bindAddress: string;
  /**
   * Pause before the SMTP greeting. 0 (default) greets at once; a scenario can set it
   * to teach early-talker detection (a client that speaks first is refused).
   */
  greetingDelayMs: number;
  /** Reverse-resolve SMTP clients' addresses (through the lab's own DNS only). */
  reverseLookup: boolean;
  maxMessageSizeBytes: number;
  maxRecipients: number;
  /** Minutes between delivery attempts; the message fails after the last one. */
  retryScheduleMinutes: number[];
  /** Anti-spam score at or above which a message is marked as spam. */
  spamThreshold: number;
  /** What the inbound verdict step does with each kind of result. */
  verdict: VerdictSettings;
  /** Ages (minutes in the queue) at which the sender gets a "still trying" DSN; [] for none. */
  delayWarningMinutes: number[];
  /** DKIM selector the smarthost signs the site's outgoing mail with (key made per data dir). */
  dkimSelector: string;
}

export interface VerdictSettings {
  /** Score ≥ spamThreshold: add headers only, file into Junk, hold in the queue, or refuse at DATA. */
  spamAction: 'tag' | 'junk' | 'hold' | 'reject';
  /** A virus found: hold (quarantine) or refuse at DATA. */
  virusAction: 'hold' | 'reject';
  /** DMARC fail (or SPF fail where the domain has no DMARC): what to do; a p=reject policy may refuse. */
  authFailAction: 'deliver' | 'tag' | 'junk' | 'hold' | 'reject';
  /** Use a real SpamAssassin spamd for the spam score instead of the built-in rules. */
  spamd?: { host: string; port: number };
}

export interface WorldSpec {
  name: string;
  site: SiteSpec;
  hosts: HostSpec[];
  users: UserSpec[];
  groups: GroupSpec[];
  dns: { zones: DnsZoneSpec[] };
  internet: { mailboxes: RemoteMailboxSpec[] };
  settings: WorldSettings;
}
