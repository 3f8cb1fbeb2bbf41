import type { MessageView } from './types.js';

/**
 * The lab's virus scanner knows one signature: the EICAR anti-virus test file, the
 * harmless string every real scanner reports as a virus. Like a real scanner it
 * looks inside the MIME structure: a text part in quoted-printable, an attachment
 * in base64, a forwarded message — not only at the raw bytes.
 */
const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');
const EICAR_NAME = 'EICAR-Test-File';

/** One line of a base64 body: only the alphabet, maybe padding at the end. */
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

export interface VirusScan {
  infected: boolean;
  /** Signature names found, e.g. ["EICAR-Test-File"]. */
  names: string[];
}

export function scanForViruses(raw: Buffer, view: MessageView): VirusScan {
  const found = raw.includes(EICAR) || view.decodedParts.some((part) => part.includes(EICAR));
  if (found) return { infected: true, names: [EICAR_NAME] };
  // Broken MIME hides parts from the parser (an unterminated multipart, a bad boundary):
  // like a real scanner, decode whatever looks encoded in the raw bytes as well.
  if (scanUndecodedBody(raw)) return { infected: true, names: [EICAR_NAME] };
  return { infected: false, names: [] };
}

function scanUndecodedBody(raw: Buffer): boolean {
  const text = raw.toString('latin1');
  for (const run of base64Runs(text)) {
    if (Buffer.from(run, 'base64').includes(EICAR)) return true;
  }
  // Quoted-printable keeps letters as they are: decode only when the name shows through.
  const unfolded = text.replace(/=\r?\n/g, '');
  return unfolded.includes('EICAR-STANDARD') && decodeQuotedPrintable(unfolded).includes(EICAR);
}

/** Consecutive base64-looking lines, joined: the bodies of encoded parts, wherever they are. */
function* base64Runs(text: string): Generator<string> {
  let run: string[] = [];
  let length = 0;
  for (const line of text.split(/\r?\n/)) {
    if (BASE64_LINE.test(line)) {
      run.push(line);
      length += line.length;
      continue;
    }
    if (length >= EICAR.length) yield run.join('');
    run = [];
    length = 0;
  }
  if (length >= EICAR.length) yield run.join('');
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
