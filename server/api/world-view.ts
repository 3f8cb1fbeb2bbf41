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
