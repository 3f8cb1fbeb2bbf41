import type { MessageView } from './types.js';

/**
 * The lab's virus scanner knows one signature: the EICAR anti-virus test file, the
 * harmless string every real scanner reports as a virus. Like a real scanner it
 * looks inside the MIME structure: a text part in quoted-printable, an attachment
 * in base64, a forwarded message — not only at the raw bytes.
 */
const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');
const EICAR_NAME = 'EICAR-Test-File';

/** The base64 alphabet (RFC 4648 §4), by byte value. */
const BASE64_ALPHABET = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
  BASE64_ALPHABET[c.charCodeAt(0)] = 1;
const EQUALS = 0x3d;
const LF = 0x0a;
const CR = 0x0d;

/**
 * What EICAR looks like in base64, for each of the three ways it can fall on the
 * 3-byte groups: the whole groups it fills, encoded. Decoded base64 contains EICAR
 * only if its text contains one of these, so a run without any is not decoded.
 */
const EICAR_IN_BASE64 = [0, 1, 2].map((skip) => {
  const whole = Math.floor((EICAR.length - skip) / 3) * 3;
  return Buffer.from(EICAR.subarray(skip, skip + whole).toString('base64'), 'latin1');
});

export interface VirusScan {
  infected: boolean;
  /** Signature names found, e.g. ["EICAR-Test-File"]. */
  names: string[];
}

export function scanForViruses(raw: Buffer, view: MessageView): VirusScan {
  const found = raw.includes(EICAR) || view.decodedParts.some((part) => part.includes(EICAR));
  if (found) return { infected: true, names: [EICAR_NAME] };
  // Broken MIME hides parts from the parser (an unterminated multipart, a bad boundary):
  // like a real scanner, decode whatever looks encoded in the raw bytes as well. A
  // message that every reader sees as one plain text part has no such part.
  if (!view.onePlainPart && scanUndecodedBody(raw)) return { infected: true, names: [EICAR_NAME] };
  return { infected: false, names: [] };
}

function scanUndecodedBody(raw: Buffer): boolean {
  if (base64RunHidesEicar(raw)) return true;
  // Quoted-printable keeps letters as they are: decode only when the name shows through
  // (once soft line breaks, which may split it, are taken out).
  const softBreaks = raw.includes('=\n') || raw.includes('=\r\n');
  if (!softBreaks && !raw.includes('EICAR-STANDARD')) return false;
  const unfolded = raw.toString('latin1').replace(/=\r?\n/g, '');
  return unfolded.includes('EICAR-STANDARD') && decodeQuotedPrintable(unfolded).includes(EICAR);
}

/**
 * Decodes each run of consecutive base64-looking lines (only the alphabet, maybe "="
 * padding at the end) — the body of an encoded part, wherever it is — and looks for
 * EICAR in it. Lines end at LF, with an optional CR before it. Read byte by byte and
 * decoded only when it may hide EICAR: every line of ordinary text would otherwise be
 * split out and tested with a regex, which was the scanner's largest cost.
 */
function base64RunHidesEicar(raw: Buffer): boolean {
  let runStart = -1;
  let runEnd = -1;
  for (let start = 0; start <= raw.length;) {
    let end = raw.indexOf(LF, start);
    if (end < 0) end = raw.length;
    const next = end + 1;
    if (end > start && raw[end - 1] === CR && end < raw.length) end--;
    const base64 = isBase64Line(raw, start, end);
    if (base64) {
      if (runStart < 0) runStart = start;
      runEnd = end;
    }
    // Padding ends an encoded part: the next line, if any, starts another one.
    const runOver = !base64 || raw[end - 1] === EQUALS || next > raw.length;
    if (runOver && runStart >= 0) {
      if (runEnd - runStart >= EICAR.length && runHidesEicar(raw, runStart, runEnd)) return true;
      runStart = -1;
    }
    start = next;
  }
  return false;
}

/**
 * The run's base64 text without its line breaks is searched for EICAR's encoded forms;
 * only when one is there is it decoded to make sure. Built as bytes: a run is most of
 * a message, and two strings of it per message showed up in the listener's garbage.
 */
function runHidesEicar(raw: Buffer, start: number, end: number): boolean {
  const text = Buffer.allocUnsafe(end - start);
  let length = 0;
  for (let from = start; from < end;) {
    let lineEnd = raw.indexOf(LF, from);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const next = lineEnd + 1;
    if (lineEnd > from && raw[lineEnd - 1] === CR) lineEnd--;
    length += raw.copy(text, length, from, lineEnd);
    from = next;
  }
  const run = text.subarray(0, length);
  return (
    EICAR_IN_BASE64.some((encoded) => run.includes(encoded)) &&
    Buffer.from(run.toString('latin1'), 'base64').includes(EICAR)
  );
}

function isBase64Line(raw: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && BASE64_ALPHABET[raw[i]!] === 1) i++;
  if (i === start) return false;
  const padding = end - i;
  if (padding > 2) return false;
  for (; i < end; i++) if (raw[i] !== EQUALS) return false;
  return true;
}

/** RFC 2045 §6.7: "=XX" is a byte, "=" at a line end is a soft break. */
export function decodeQuotedPrintable(text: string): Buffer {
  const unfolded = text.replace(/=\r?\n/g, '');
  // Decoding only shrinks: one output byte per input character at most.
  const out = Buffer.allocUnsafe(unfolded.length);
  let length = 0;
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded[i] === '=' ? unfolded.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out[length++] = parseInt(hex, 16);
      i += 2;
    } else {
      out[length++] = unfolded.charCodeAt(i) & 0xff;
    }
  }
  return out.subarray(0, length);
}
