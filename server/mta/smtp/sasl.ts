import { isUtf8 } from 'node:buffer';
import { smtpError } from './reply.js';

/** SASL pieces of AUTH (RFC 4954, RFC 4616 PLAIN, the LOGIN draft). Pure functions. */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The client's "*" line: abort the exchange (RFC 4954 4). */
export function isCancel(line: string): boolean {
  return line.trim() === '*';
}

/** Strict base64 to UTF-8 text. "=" alone is the empty initial response (RFC 4954 4). */
export function decodeSasl(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '=') return '';
  if (trimmed === '' || !BASE64.test(trimmed)) throw smtpError(501, '5.5.2', 'Invalid base64 data');
  const bytes = Buffer.from(trimmed, 'base64');
  if (!isUtf8(bytes)) throw smtpError(501, '5.5.2', 'Invalid characters in credentials');
  return bytes.toString('utf8');
}

export interface PlainResponse {
  authzid: string;
  username: string;
  password: string;
}

/** RFC 4616: [authzid] NUL authcid NUL passwd. */
export function parsePlain(decoded: string): PlainResponse {
  const parts = decoded.split('\0');
  if (parts.length !== 3 || parts[1] === '') throw smtpError(501, '5.5.2', 'Invalid PLAIN response');
  return { authzid: parts[0]!, username: parts[1]!, password: parts[2]! };
}

export function encodeChallenge(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
