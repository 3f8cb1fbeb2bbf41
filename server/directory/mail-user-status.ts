import { MailError } from '../core/mail-error.js';

/**
 * What a user's `mailUserStatus` means to the mail system, after the Sun Java System
 * Messaging Server schema. The directory only stores the word; the MTA (at RCPT time
 * and again at delivery time) and the login paths ask here what it implies, so every
 * part of the lab reads the same status the same way.
 */

export const MAIL_USER_STATUSES = [
  'active',
  'inactive',
  'disabled',
  'removed',
  'deleted',
  'hold',
  'overquota',
] as const;

export type MailUserStatus = (typeof MAIL_USER_STATUSES)[number];

export function isMailUserStatus(value: string): value is MailUserStatus {
  return (MAIL_USER_STATUSES as readonly string[]).includes(value);
}

/** What the SMTP server answers to `RCPT TO` for a user with this status. */
export type RcptVerdict = { kind: 'accept' } | { kind: 'reject'; error: MailError };

/** What the router does with a queued recipient with this status. */
export type DeliveryVerdict =
  | { kind: 'deliver' }
  /** Wait and try again on the retry schedule; `hold` marks a deliberate hold rather than a failure. */
  | { kind: 'defer'; error: MailError; hold: boolean }
  | { kind: 'fail'; error: MailError };

/**
 * The status in normalized form. Absent means active (Sun's default); a value this
 * lab does not know is read as active too, as a directory without the attribute
 * would be: a typo in a status must not silently eat mail.
 */
export function effectiveStatus(status: string | undefined): MailUserStatus {
  const word = (status ?? '').trim().toLowerCase();
  return isMailUserStatus(word) ? word : 'active';
}

function isGone(status: MailUserStatus): boolean {
  // `deleted` is Sun's "marked for deletion", `removed` is after the purge: both final.
  return status === 'disabled' || status === 'removed' || status === 'deleted';
}

export function rcptVerdict(status: string | undefined, address: string): RcptVerdict {
  const s = effectiveStatus(status);
  if (s === 'inactive') return reject(450, '4.2.1', `<${address}>: mailbox temporarily unavailable`);
  if (isGone(s)) return reject(550, '5.2.1', `<${address}>: mailbox disabled`);
  if (s === 'overquota') return reject(452, '4.2.2', `<${address}>: mailbox full`);
  // `hold` is accepted: the mail is meant to wait in the queue, not to be refused.
  return { kind: 'accept' };
}

/**
 * The same status at delivery time. `uid` names the user in the hold text, which is
 * what an operator reading the queue looks for.
 */
export function deliveryVerdict(status: string | undefined, address: string, uid: string): DeliveryVerdict {
  const s = effectiveStatus(status);
  if (s === 'inactive') return defer(450, '4.2.1', `<${address}>: mailbox temporarily unavailable`, false);
  if (isGone(s)) return { kind: 'fail', error: mailError(550, '5.2.1', `<${address}>: mailbox disabled`, 'router') };
  if (s === 'overquota') return defer(452, '4.2.2', `<${address}>: mailbox full`, false);
  if (s === 'hold') return defer(450, '4.2.1', `held for ${uid} (mailUserStatus hold)`, true);
  return { kind: 'deliver' };
}

/**
 * Whether the user may log in to read mail (IMAP, POP3, submission AUTH). Sun's `hold`
 * also closes mailbox access; `overquota` only stops new mail, the owner must still
 * get in to make room.
 */
export function mayAccessMailbox(status: string | undefined): boolean {
  const s = effectiveStatus(status);
  return s === 'active' || s === 'overquota';
}

function reject(code: number, enhanced: string, text: string): RcptVerdict {
  return { kind: 'reject', error: mailError(code, enhanced, text, 'mta') };
}

function defer(code: number, enhanced: string, text: string, hold: boolean): DeliveryVerdict {
  return { kind: 'defer', error: mailError(code, enhanced, text, 'router'), hold };
}

/** `component` is the part that acts on the status: the SMTP server at RCPT, the router later. */
function mailError(code: number, enhanced: string, publicText: string, component: string): MailError {
  return new MailError({ code, enhanced, publicText, component });
}
