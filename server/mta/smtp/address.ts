import { isIPv4, isIPv6 } from 'node:net';
import type { SmtpAddress } from './types.js';
import { smtpError } from './reply.js';

/**
 * The syntax half of MAIL FROM / RCPT TO (RFC 5321 4.1.2, RFC 6531 for UTF-8):
 * `FROM:<path> [PARAM[=value] ...]`. Meaning (size limits, which parameters a verb
 * takes) lives in params.ts and the command files.
 */

export type PathKeyword = 'FROM' | 'TO';

const MAX_LOCAL_PART_BYTES = 64;
const MAX_DOMAIN_BYTES = 255;
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+$/u;
const QUOTED_LOCAL = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10ffff}]|\\[\x20-\x7e])*"$/u;
const LABEL =
  /^(?:[A-Za-z0-9\u0080-\u{10ffff}](?:[A-Za-z0-9\-\u0080-\u{10ffff}]{0,61}[A-Za-z0-9\u0080-\u{10ffff}])?)$/u;
const PARAM = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:=([^=\s\x00-\x1f\x7f]+))?$/;

export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** Parses the arguments of MAIL or RCPT into address and parameters; throws 501 on bad syntax. */
export function parsePathArgs(args: string, keyword: PathKeyword): SmtpAddress {
  const usage = `Syntax: ${keyword === 'FROM' ? 'MAIL FROM' : 'RCPT TO'}:<address>`;
  const head = new RegExp(`^${keyword}:\\s*`, 'i').exec(args);
  if (!head || args[head[0].length] !== '<') throw smtpError(501, '5.5.4', usage);
  const start = head[0].length;
  const end = closingBracket(args, start + 1);
  if (end < 0) throw smtpError(501, '5.5.4', usage);
  const rest = args.slice(end + 1);
  if (rest !== '' && !rest.startsWith(' ')) throw smtpError(501, '5.5.4', usage);
  const address = stripSourceRoute(args.slice(start + 1, end), keyword);
  return { address, params: parseParams(rest) };
}

/** Index of the ">" that closes the path, skipping quoted local parts; -1 if none. */
function closingBracket(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === '>' && !quoted) return i;
  }
  return -1;
}

/** RFC 5321 4.1.1.3: a source route "@a,@b:user@host" must be accepted and ignored. */
function stripSourceRoute(path: string, keyword: PathKeyword): string {
  if (!path.startsWith('@')) return path;
  const colon = path.indexOf(':');
  const route = colon > 0 ? path.slice(0, colon) : '';
  if (!/^@[^,:@\s]+(?:,@[^,:@\s]+)*$/.test(route)) throw badAddress(keyword);
  return path.slice(colon + 1);
}

export function badAddress(keyword: PathKeyword): Error {
  return keyword === 'FROM'
    ? smtpError(501, '5.1.7', 'Bad sender address syntax')
    : smtpError(501, '5.1.3', 'Bad recipient address syntax');
}

/** Splits "SIZE=10 BODY=8BITMIME SMTPUTF8" into upper-cased keys; a bare keyword maps to true. */
export function parseParams(text: string): Record<string, string | true> {
  const params: Record<string, string | true> = {};
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const m = PARAM.exec(word);
    if (!m) throw smtpError(501, '5.5.4', `Bad parameter syntax: ${word.slice(0, 40)}`);
    const key = m[1]!.toUpperCase();
    if (key in params) throw smtpError(501, '5.5.4', `Duplicate parameter: ${key}`);
    params[key] = m[2] ?? true;
  }
  return params;
}

/** RFC 5321 Mailbox with RFC 6531 UTF-8 allowed: local@domain or local@[address literal]. */
export function isValidMailbox(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  return isValidLocalPart(address.slice(0, at)) && isValidDomain(address.slice(at + 1));
}

function isValidLocalPart(local: string): boolean {
  if (Buffer.byteLength(local) > MAX_LOCAL_PART_BYTES) return false;
  if (local.startsWith('"')) return QUOTED_LOCAL.test(local);
  return local.split('.').every((atom) => ATEXT.test(atom));
}

function isValidDomain(domain: string): boolean {
  if (domain.startsWith('[')) return isValidAddressLiteral(domain);
  if (Buffer.byteLength(domain) > MAX_DOMAIN_BYTES) return false;
  return domain.split('.').every((label) => LABEL.test(label));
}

function isValidAddressLiteral(literal: string): boolean {
  if (!literal.endsWith(']')) return false;
  const inner = literal.slice(1, -1);
  if (/^ipv6:/i.test(inner)) return isIPv6(inner.slice(5));
  return isIPv4(inner);
}
