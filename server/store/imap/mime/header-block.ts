import { isUtf8 } from 'node:buffer';

/**
 * Reads one header block (RFC 5322 2.2) straight from the raw bytes, keeping each
 * field's offsets so that HEADER.FIELDS can return the original bytes, folding and all.
 * Accepts CRLF and bare LF. Never throws: a line that is neither a field nor a
 * continuation ends the header (the body starts there, with no blank line).
 */
export interface HeaderField {
  /** Lower-cased field name. */
  name: string;
  /** First byte of the field line. */
  start: number;
  /** First byte after the colon. */
  valueStart: number;
  /** Just past the field's last line break (or the block end). */
  end: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Just past the last field (where the blank line, if any, starts). */
  headerEnd: number;
  bodyStart: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

export function readHeaderBlock(raw: Buffer, start: number, end: number): HeaderBlock {
  const fields: HeaderField[] = [];
  let pos = start;
  let current: HeaderField | null = null;
  while (pos < end) {
    const lf = raw.indexOf(LF, pos);
    const lineEnd = lf < 0 || lf >= end ? end : lf;
    const next = lineEnd === end ? end : lineEnd + 1;
    const contentEnd = lineEnd > pos && raw[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) return { fields, headerEnd: pos, bodyStart: next };
    const first = raw[pos];
    if (first === SP || first === HT) {
      // A continuation line; one before any field is junk and is skipped.
      if (current) current.end = next;
      pos = next;
      continue;
    }
    const colon = fieldNameEnd(raw, pos, contentEnd);
    if (colon < 0) return { fields, headerEnd: pos, bodyStart: pos };
    current = {
      name: raw.toString('latin1', pos, colon).trimEnd().toLowerCase(),
      start: pos,
      valueStart: colon + 1,
      end: next,
    };
    fields.push(current);
    pos = next;
  }
  return { fields, headerEnd: end, bodyStart: end };
}

/** Index of the colon when [pos, lineEnd) starts with a field name (printable ASCII, obs-WSP before ':'), else -1. */
function fieldNameEnd(raw: Buffer, pos: number, lineEnd: number): number {
  let i = pos;
  while (i < lineEnd) {
    const c = raw[i]!;
    if (c === COLON) break;
    if (c <= SP || c > 0x7e) {
      // RFC 5322 obs-optional allows WSP between the name and the colon, nothing else.
      let j = i;
      while (j < lineEnd && (raw[j] === SP || raw[j] === HT)) j++;
      return j > pos && j < lineEnd && raw[j] === COLON && i > pos ? j : -1;
    }
    i++;
  }
  return i > pos && i < lineEnd ? i : -1;
}

/** Header bytes as text: valid UTF-8 (RFC 6532) as such, anything else byte-for-byte as Latin-1. */
export function headerText(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/** The field's value, unfolded (RFC 5322 2.2.3) and trimmed; encoded-words are left as they are. */
export function fieldValue(raw: Buffer, field: HeaderField): string {
  const text = headerText(raw.subarray(field.valueStart, field.end));
  return text
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/\r?\n$/, '')
    .trim();
}

/** The first field of that (lower-case) name, or undefined. */
export function firstField(block: HeaderBlock, name: string): HeaderField | undefined {
  return block.fields.find((f) => f.name === name);
}
