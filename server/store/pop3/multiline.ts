/**
 * Message bytes as POP3 multi-line responses (RFC 1939 3). Pure functions on Buffers.
 *
 * The stored bytes go out unchanged except for byte-stuffing: no line-end rewriting,
 * so the octet counts of STAT and LIST (the stored sizes) stay what RETR sends
 * before stuffing. A "." is added after every LF, bare or not: the SMTP side keeps a
 * bare LF as an ordinary byte, but many POP3 clients split lines on LF alone and
 * would take an unstuffed "LF . CRLF" inside a message as its end.
 */

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const DOT_BYTE = Buffer.from('.');
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');

/** The body of a multi-line response: stuffed lines, a final CRLF if missing, then ".". */
export function multilineBody(content: Buffer): Buffer {
  const parts: Buffer[] = [];
  let segmentStart = 0;
  if (content[0] === DOT) parts.push(DOT_BYTE);
  for (let lf = content.indexOf(LF); lf >= 0; lf = content.indexOf(LF, lf + 1)) {
    const lineStart = lf + 1;
    if (content[lineStart] !== DOT) continue;
    parts.push(content.subarray(segmentStart, lineStart), DOT_BYTE);
    segmentStart = lineStart;
  }
  parts.push(content.subarray(segmentStart));
  if (content.length > 0 && !endsWithCrlf(content)) parts.push(CRLF);
  parts.push(TERMINATOR);
  return Buffer.concat(parts);
}

/** Lines of text (CAPA, LIST, UIDL) as a multi-line body; none of them starts with ".". */
export function multilineLines(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((line) => `${line}\r\n`).join('') + '.\r\n', 'utf8');
}

/**
 * TOP (RFC 1939 7): the header, the blank line after it, and the first `bodyLines`
 * lines of the body. A message without a blank line is all header.
 */
export function topOf(raw: Buffer, bodyLines: number): Buffer {
  const bodyStart = bodyOffset(raw);
  if (bodyStart === undefined) return raw;
  let end = bodyStart;
  for (let n = 0; n < bodyLines && end < raw.length; n++) {
    const lf = raw.indexOf(LF, end);
    end = lf < 0 ? raw.length : lf + 1;
  }
  return raw.subarray(0, end);
}

/** Offset just after the empty line that ends the header, or undefined when there is none. */
export function bodyOffset(raw: Buffer): number | undefined {
  let lineStart = 0;
  while (lineStart < raw.length) {
    const lf = raw.indexOf(LF, lineStart);
    if (lf < 0) return undefined;
    const lineBytes = lf - lineStart;
    if (lineBytes === 0 || (lineBytes === 1 && raw[lineStart] === CR)) return lf + 1;
    lineStart = lf + 1;
  }
  return undefined;
}

function endsWithCrlf(content: Buffer): boolean {
  return content.length >= 2 && content[content.length - 2] === CR && content[content.length - 1] === LF;
}
