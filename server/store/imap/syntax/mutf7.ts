/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for
 * itself except "&", which becomes "&-"; everything else is UTF-16BE in base64 with
 * "," instead of "/", no padding, between "&" and "-".
 */
import { ImapSyntaxError } from './types.js';

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending = '';
  const flush = (): void => {
    if (pending === '') return;
    const utf16 = Buffer.from(pending, 'utf16le').swap16();
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (isDirect(code)) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else {
      pending += ch;
    }
  }
  flush();
  return out;
}

export function decodeMailboxName(encoded: string): string {
  let out = '';
  for (let i = 0; i < encoded.length;) {
    const ch = encoded[i]!;
    if (ch !== '&') {
      if (!isDirect(ch.charCodeAt(0))) throw new ImapSyntaxError('Invalid character in mailbox name');
      out += ch;
      i += 1;
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end < 0) throw new ImapSyntaxError('Unterminated "&" shift in mailbox name');
    const b64 = encoded.slice(i + 1, end);
    i = end + 1;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) throw new ImapSyntaxError('Invalid modified UTF-7 in mailbox name');
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0) throw new ImapSyntaxError('Invalid modified UTF-7 in mailbox name');
    out += bytes.swap16().toString('utf16le');
  }
  return out;
}
