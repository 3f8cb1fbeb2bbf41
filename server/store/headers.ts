import { isUtf8 } from 'node:buffer';
import libmime from 'libmime';

/**
 * The cheap header reader used on every delivery: find the header block, unfold,
 * split the fields, keep the five a mailbox listing shows. Running a full MIME
 * parser per delivery would cost more than the SQLite write, and a summary never
 * needs the body. Broken input yields empty fields, never an error: the store
 * keeps whatever the MTA accepted.
 */
export interface HeaderSummary {
  messageId?: string;
  subject: string;
  from: string;
  to: string;
  date?: number;
}

/** Headers past this are not looked at (a "header" with no blank line could be the whole message). */
const MAX_HEADER_BYTES = 64 * 1024;
/** Summary texts are for listings; a megabyte-long Subject is cut, the raw message keeps it all. */
const MAX_TEXT_CHARS = 2000;

const WANTED = new Set(['subject', 'from', 'to', 'message-id', 'date']);

/** Length of the header block in bytes, up to and including the last header line's newline. */
export function headerBlockLength(raw: Buffer): number {
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) return 0;
  const window = raw.subarray(0, limit);
  const lf = window.indexOf('\n\n');
  const crlf = window.indexOf('\n\r\n');
  const ends = [lf, crlf].filter((i) => i >= 0);
  return ends.length > 0 ? Math.min(...ends) + 1 : limit;
}

/**
 * RFC 6532 allows UTF-8 in headers; older software sent raw Latin-1. Valid UTF-8
 * is read as such, anything else byte-for-byte as Latin-1 so nothing is lost.
 */
function decodeBytes(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/** The wanted fields, first occurrence wins, values unfolded and trimmed. */
export function readFields(raw: Buffer): Map<string, string> {
  const text = decodeBytes(raw.subarray(0, headerBlockLength(raw)));
  // Unfolding (RFC 5322 2.2.3): a line break followed by white space is not a break.
  const lines = text.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/);
  const fields = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trimEnd().toLowerCase();
    // A field name is printable ASCII without spaces; this also skips an mbox "From " line.
    if (!/^[!-9;-~]+$/.test(name) || !WANTED.has(name) || fields.has(name)) continue;
    fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

function cleanText(value: string): string {
  // Control characters would only garble a listing; tabs become spaces.

  const CONTROLS = /[\x00-\x1f\x7f]+/g;
  return value.replace(CONTROLS, ' ').trim().slice(0, MAX_TEXT_CHARS);
}

/** RFC 2047 encoded-words; an unknown charset or broken word leaves the text as it was. */
export function decodeEncodedWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

function parseMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const bracketed = /<[^<>\s]*>/.exec(value);
  const id = bracketed ? bracketed[0] : value.split(/\s+/)[0];
  return id ? id.slice(0, 998) : undefined;
}

function parseDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  // Comments such as "(CEST)" confuse Date.parse; the numeric zone carries the meaning.
  const at = Date.parse(value.replace(/\([^)]*\)/g, ' ').trim());
  return Number.isFinite(at) ? at : undefined;
}

export function parseHeaderSummary(raw: Buffer): HeaderSummary {
  const fields = readFields(raw);
  const text = (name: string) => cleanText(decodeEncodedWords(fields.get(name) ?? ''));
  const summary: HeaderSummary = { subject: text('subject'), from: text('from'), to: text('to') };
  const messageId = parseMessageId(fields.get('message-id'));
  if (messageId) summary.messageId = messageId;
  const date = parseDate(fields.get('date'));
  if (date !== undefined) summary.date = date;
  return summary;
}
