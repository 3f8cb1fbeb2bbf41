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
const LONGEST_WANTED = Math.max(...[...WANTED].map((name) => name.length));
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

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

/**
 * The wanted fields, first occurrence wins, values unfolded and trimmed. Read line by
 * line, and only a wanted field's name and value are cut out: a delivered message's
 * header is mostly Received and verdict fields, and splitting all of it showed in
 * the garbage.
 */
export function readFields(raw: Buffer): Map<string, string> {
  const text = decodeBytes(raw.subarray(0, headerBlockLength(raw)));
  const fields = new Map<string, string>();
  let name: string | undefined;
  let value = '';
  // The next colon at or after the current line: found once, so lines without one cost no rescan.
  let colon = -1;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    const first = text.charCodeAt(start);
    if (first === SPACE || first === TAB) {
      // Unfolding (RFC 5322 2.2.3): a line that starts with white space continues the field.
      if (name !== undefined) value += text.slice(start, end);
    } else {
      if (name !== undefined) fields.set(name, value.trim());
      if (colon < start) {
        const found = text.indexOf(':', start);
        colon = found < 0 ? Infinity : found;
      }
      name = colon < end ? wantedName(text, start, colon, fields) : undefined;
      if (name !== undefined) value = text.slice(colon + 1, end);
    }
    start = next;
  }
  if (name !== undefined) fields.set(name, value.trim());
  return fields;
}

/** The lowercased name of the field line at `start` (its colon at `colon`) if we want it and have not seen it yet. */
function wantedName(text: string, start: number, colon: number, seen: Map<string, string>): string | undefined {
  let nameEnd = colon;
  while (nameEnd > start && (text.charCodeAt(nameEnd - 1) === SPACE || text.charCodeAt(nameEnd - 1) === TAB)) nameEnd--;
  if (nameEnd === start || nameEnd - start > LONGEST_WANTED) return undefined;
  const name = text.slice(start, nameEnd).toLowerCase();
  // A field name is printable ASCII without spaces; this also skips an mbox "From " line.
  if (!WANTED.has(name) || seen.has(name) || !/^[!-9;-~]+$/.test(name)) return undefined;
  return name;
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
