import type { VerdictAction, VerdictRule } from '../api/trace.js';
import type { VerdictSettings } from '../api/world-spec.js';
import type { MailError } from '../core/mail-error.js';
import type { LabResolver } from '../dns/resolver.js';

/**
 * The verdict engine's vocabulary. The engine knows nothing of SMTP sessions or
 * queues: it gets the bytes and the connection facts, and answers with a decision,
 * the header fields to add and the reasons, so a class can read why.
 */

/** An address from a header field, decoded. */
export interface HeaderAddress {
  address: string;
  name: string;
}

/** What the rules see of a message: headers and decoded text, never raw MIME. */
export interface MessageView {
  /** Lower-cased names of the top-level header fields present. */
  headerNames: Set<string>;
  subject?: string;
  /** Parsed Date:, undefined when missing or unreadable. */
  date?: Date;
  from?: HeaderAddress;
  replyTo?: HeaderAddress;
  /** Decoded plain text; the HTML with its tags stripped when there is no text part. */
  text: string;
  html?: string;
  hasTextPart: boolean;
  /** Every decoded leaf part (text, HTML, attachments, nested messages' parts), for the virus scanner. */
  decodedParts: Buffer[];
  /** Set when the MIME structure could not be read; the rules then see a best effort. */
  parseError?: string;
  /**
   * Set when the whole body is one text/plain part with no transfer encoding, and no
   * reader could see it otherwise (no MIME field twice, none in the body): the scanner
   * has every byte of it as it is, and base64 inside it is text that no mail client
   * decodes, so there is no hidden part to look for.
   */
  onePlainPart?: true;
}

/** SPF / DKIM / DMARC results in RFC 8601 words. */
export interface AuthOutcome {
  spf: string;
  dkim: string;
  dmarc: string;
  /** The DMARC policy that applies to the From domain, when it publishes one. */
  dmarcPolicy?: string;
  /** The From: domain DMARC judged. */
  fromDomain?: string;
  /** True when the message carried at least one DKIM-Signature. */
  dkimSigned: boolean;
  summary: string;
  /** Received-SPF and Authentication-Results (RFC 8601) fields to prepend. */
  headerFields: string[];
}

export interface RuleContext {
  view: MessageView;
  /** World time the message arrived, epoch ms. */
  receivedAt: number;
  auth?: AuthOutcome;
}

/** One explainable anti-spam rule: a name, its share of the score, what it means. */
export interface SpamRule extends VerdictRule {
  test(ctx: RuleContext): boolean;
}

/** The connection facts SPF needs (RFC 7208 check_host inputs). */
export interface ConnectionFacts {
  ip: string;
  helo?: string;
  /** MAIL FROM address; "" for the null sender. */
  mailFrom: string;
}

export interface VerdictInput {
  queueId: string;
  raw: Buffer;
  /** World time of arrival, epoch ms. */
  receivedAt: number;
  /** For SPF/DKIM/DMARC; leave unset to skip them. */
  connection?: ConnectionFacts;
  /** Set for authenticated submission: the sender proved who it is, so SPF/DMARC do not apply. */
  authenticatedUser?: string;
}

export interface VerdictEngineOptions {
  /** Host name of the judging MTA: the trace node and the authserv-id of Authentication-Results. */
  node: string;
  settings: VerdictSettings;
  spamThreshold: number;
  /** The lab's DNS; without one, SPF/DKIM/DMARC are not checked. */
  resolver?: LabResolver;
  /** Wall-clock limit for the SPF/DKIM/DMARC lookups of one message (default 15 s). */
  authTimeoutMs?: number;
  /** Wall-clock limit for one spamd exchange (default 10 s). */
  spamdTimeoutMs?: number;
}

export interface VerdictResult {
  spam: 'clean' | 'spam';
  virus: 'clean' | 'infected';
  score: number;
  reasons: string[];
  rules: VerdictRule[];
  auth?: { spf?: string; dkim?: string; dmarc?: string; summary?: string };
  action: VerdictAction;
  engine: string;
  /** Fields to prepend, in order (X-Mailscope-Verdict, X-Spam-*, X-Virus-Status, Authentication-Results…). */
  headerFields: string[];
  /** Set when the action is hold: why, in words for the queue listing. */
  hold?: { reason: string };
  /** Set when the action is reject: the reply to give at DATA. */
  refusal?: MailError;
}

export interface VerdictEngine {
  judge(input: VerdictInput): Promise<VerdictResult>;
}
