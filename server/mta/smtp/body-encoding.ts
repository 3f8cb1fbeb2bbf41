/**
 * Puts a message on the wire for DATA (RFC 5321 4.5.2): every line ends in CRLF
 * (a bare LF becomes CRLF: 4.1.1.4 forbids sending it alone, and a bare LF next to a
 * dot is how SMTP smuggling starts), a line starting with "." gets one more, and
 * the body ends with CRLF "." CRLF. Unchanged stretches are passed on as slices.
 */
const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const DOT_BYTE = Buffer.from('.');
const TERMINATOR = Buffer.from('.\r\n');

export function encodeBody(message: Buffer): Buffer {
  return Buffer.concat([...crlfLines(message, true), TERMINATOR]);
}

/**
 * Puts a message on the wire for BDAT (RFC 3030): the same CRLF line ends DATA would
 * deliver, so a store keeps the same bytes either way, but no dot-stuffing and no end
 * marker: the chunk's octet count says where it ends.
 */
export function encodeChunk(message: Buffer): Buffer {
  return Buffer.concat(crlfLines(message, false));
}

/** The message as slices, every line ending in CRLF, the last one too; `dotStuff` doubles leading dots. */
function crlfLines(message: Buffer, dotStuff: boolean): Buffer[] {
  const parts: Buffer[] = [];
  let runStart = 0;
  let pos = 0;
  while (pos < message.length) {
    if (dotStuff && message[pos] === DOT) {
      parts.push(message.subarray(runStart, pos), DOT_BYTE);
      runStart = pos;
    }
    const lf = message.indexOf(LF, pos);
    if (lf < 0) {
      // Last line without a line end: finish it.
      parts.push(message.subarray(runStart), CRLF);
      runStart = message.length;
      break;
    }
    if (message[lf - 1] !== CR) {
      parts.push(message.subarray(runStart, lf), CRLF);
      runStart = lf + 1;
    }
    pos = lf + 1;
  }
  if (runStart < message.length) parts.push(message.subarray(runStart));
  return parts;
}
