/**
 * What the control API shows of a running world. Types only: the renderer imports
 * them to read `GET /api/world` and the mailbox listings without pulling in any of
 * the mail system's code.
 */
import type { HostRole, ServiceProtocol } from './world-spec.js';

export interface ServiceView {
  protocol: ServiceProtocol;
  /** The port the service really listens on (an ephemeral one resolved, never 0). */
  port: number;
  address: string;
}

export interface HostView {
  /** Fully qualified name; also the node id on the diagram and in the trace. */
  name: string;
  role: HostRole;
  label?: string;
  services: ServiceView[];
}

/** An edge of the diagram: who talks to whom, and in which protocol. */
export interface LinkView {
  from: string;
  to: string;
  protocol: ServiceProtocol;
}

export interface WorldView {
  name: string;
  clock: { mode: string; now: number };
  hosts: HostView[];
  links: LinkView[];
}

/** One line of a mailbox listing (headers decoded for display). */
export interface MailboxMessageView {
  uid: number;
  messageId?: string;
  subject: string;
  from: string;
  to: string;
  /** The Date header (ISO 8601); absent when the message has none or it is unreadable. */
  date?: string;
  sizeBytes: number;
  /** The same number under the name the control API's contract gives it (DESIGN.md). */
  size: number;
  flags: string[];
  /** When the store received it: world-clock epoch milliseconds. */
  internalDate: number;
}

/** `GET /api/directory`: the people and groups of the site as the directory holds them now. */
export interface DirectoryView {
  baseDn: string;
  users: Array<{
    uid: string;
    cn: string;
    mail: string;
    alternateAddresses: string[];
    mailHost: string;
    /** mailUserStatus now (a `user` fault changes it). */
    status: string;
    deliveryOptions: string[];
    forwardingAddresses: string[];
  }>;
  groups: Array<{ cn: string; mail: string; members: string[] }>;
}

/** `GET /api/dns`: every zone the lab's DNS server is authoritative for, in presentation form. */
export interface DnsZoneView {
  origin: string;
  records: Array<{ name: string; type: string; ttl: number; value: string }>;
}

/** `GET /api/mailboxes`: every mailbox of the world, site and Internet, with its folders. */
export interface MailboxSummaryView {
  address: string;
  /** The host that keeps it (a store, the LAN server, an Internet MX). */
  host: string;
  kind: 'site' | 'internet';
  folders: Array<{ name: string; messages: number; unseen: number }>;
}

/** `POST /api/compose`: send a message through the real servers of the world. */
export interface ComposeRequest {
  from: string;
  to: string[];
  cc?: string[];
  subject?: string;
  text?: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType?: string; contentBase64: string }>;
  /**
   * `submission`: as a site user, through the site's submission server with SMTP AUTH.
   * `internet`: as a remote sender, queued at an Internet host and delivered by MX like
   * real mail from outside. Default: by the sender's domain.
   */
  via?: 'submission' | 'internet';
  /** For `internet`: the host it is sent from (default: the MX host of the sender's domain). */
  host?: string;
}

export interface ComposeResult {
  /** The queue id at the first host (the site MTA for submission, the Internet host otherwise). */
  queueId: string;
  host: string;
  /** The SMTP reply the submission server gave, when it went that way. */
  response?: string;
}
