/**
 * Finds the body parts of a multipart entity (RFC 2046 5.1.1) as byte ranges of the raw
 * message. A delimiter is "--boundary" at the start of a line, followed by optional
 * transport padding and the line break; the line break BEFORE it belongs to the
 * delimiter, not to the part. The preamble and epilogue are not parts. A missing close
 * delimiter ends the last part at the end of the body (as Dovecot and Cyrus do).
 */
const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

export type ByteRange = [start: number, end: number];

export function splitMultipart(raw: Buffer, bodyStart: number, bodyEnd: number, boundary: string): ByteRange[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: ByteRange[] = [];
  let partStart = -1;
  let search = bodyStart;
  while (search < bodyEnd) {
    const at = raw.indexOf(delimiter, search);
    if (at < 0 || at + delimiter.length > bodyEnd) break;
    const after = at + delimiter.length;
    const atLineStart = at === bodyStart || raw[at - 1] === LF;
    const close = after + 1 < bodyEnd && raw[after] === DASH && raw[after + 1] === DASH;
    if (!atLineStart || (!close && !onlyPaddingToEol(raw, after, bodyEnd))) {
      search = at + 1;
      continue;
    }
    if (partStart >= 0) parts.push([partStart, Math.max(partStart, lineBreakStart(raw, at, bodyStart))]);
    if (close) return parts;
    const lf = raw.indexOf(LF, after);
    partStart = lf < 0 || lf >= bodyEnd ? bodyEnd : lf + 1;
    search = partStart;
  }
  if (partStart >= 0) parts.push([partStart, bodyEnd]);
  return parts;
}

/** True when only SP/HT follow up to the end of the line (or of the body). */
function onlyPaddingToEol(raw: Buffer, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) {
    const c = raw[i];
    if (c === LF || (c === CR && raw[i + 1] === LF)) return true;
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** Where the line break that precedes `at` begins (CRLF or bare LF). */
function lineBreakStart(raw: Buffer, at: number, floor: number): number {
  if (at <= floor) return floor;
  let i = at - 1; // raw[i] is the LF
  if (i > floor && raw[i - 1] === CR) i--;
  return i;
}
