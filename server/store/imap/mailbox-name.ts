import { decodeMailboxName, encodeMailboxName } from './syntax/response-writer.js';
import { asAString, ImapSyntaxError, type ImapValue } from './syntax/types.js';

/**
 * A mailbox argument as the store spells it: modified UTF-7 decoded (RFC 3501
 * §5.1.3), or taken as UTF-8 after ENABLE UTF8=ACCEPT (RFC 6855 §3, where "&" is
 * just a character); INBOX in capitals.
 */
export function mailboxArg(value: ImapValue | undefined, utf8 = false): string {
  const wire = asAString(value, 'mailbox name');
  let name = wire;
  if (!utf8) {
    try {
      name = decodeMailboxName(wire);
    } catch {
      throw new ImapSyntaxError('Invalid modified UTF-7 in mailbox name');
    }
  }
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/** The wire spelling of a store folder name: modified UTF-7, or UTF-8 as is after UTF8=ACCEPT. */
export function wireName(name: string, utf8 = false): string {
  return utf8 ? name : encodeMailboxName(name);
}

/**
 * LIST pattern (RFC 3501 §6.3.8) as a regular expression over wire names: `*`
 * matches anything, `%` anything but the delimiter. INBOX matches in any case.
 */
export function patternRegExp(reference: string, pattern: string): RegExp {
  let full = pattern.startsWith('/') || reference === '' ? pattern : `${reference}${pattern}`;
  if (/^inbox(\/|$)/i.test(full)) full = `INBOX${full.slice(5)}`;
  let source = '';
  for (const ch of full) {
    if (ch === '*') source += '.*';
    else if (ch === '%') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
