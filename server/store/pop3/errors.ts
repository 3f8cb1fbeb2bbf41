import { MailError } from '../../core/mail-error.js';

/**
 * POP3 has no reply codes, only +OK/-ERR and the RFC 2449/3206 response codes in
 * brackets. Failures still travel as MailError (one error type in the whole lab);
 * the session turns the SMTP-style code back into the POP3 answer (see `errText`).
 */

/** The client asked for something malformed or impossible: a plain "-ERR text". */
export function clientError(text: string): MailError {
  return new MailError({ code: 501, enhanced: '5.5.4', publicText: text, component: 'pop3' });
}

/** 500-504 are the client's mistakes; any other failure is the server's (RFC 3206 SYS/TEMP, SYS/PERM). */
export function isClientMistake(err: MailError): boolean {
  return err.code >= 500 && err.code <= 504;
}

/** The text after "-ERR " for a failure thrown by a command or the store. */
export function errText(err: MailError): string {
  if (isClientMistake(err)) return err.publicText;
  return `${err.temporary ? '[SYS/TEMP]' : '[SYS/PERM]'} ${err.publicText}`;
}
