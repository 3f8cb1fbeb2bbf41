import { MailError } from '../../core/mail-error.js';

/** One SMTP reply as the server sends it: a code, an optional enhanced code, one or more lines. */
export interface SmtpReply {
  code: number;
  enhanced?: string;
  lines: string[];
}

/**
 * Wire form of a reply. Every line but the last uses "ddd-" (RFC 5321 4.2.1); the
 * enhanced code (RFC 2034) is repeated on each line because clients strip it per line.
 */
export function formatReply(reply: SmtpReply): string {
  const lines = reply.lines.length > 0 ? reply.lines : [''];
  const prefix = reply.enhanced ? `${reply.enhanced} ` : '';
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const sep = i === lines.length - 1 ? ' ' : '-';
    out += `${reply.code}${sep}${prefix}${lines[i]}\r\n`;
  }
  return out;
}

/** A MailError raised by the protocol layer itself (syntax, sequence, limits). */
export function smtpError(code: number, enhanced: string, publicText: string): MailError {
  return new MailError({ code, enhanced, publicText, component: 'smtp' });
}
