/**
 * A small MIME splitter for the inspector (RFC 5322 header fields, RFC 2045/2046
 * multipart, RFC 2047 encoded words, RFC 2231 parameters). It works on a "binary
 * string" (one char per byte, as `bytesToBinary` makes) so that every part can be
 * decoded with its own charset. Mail is hostile input: depth, part count and header
 * count are bounded, and nothing here ever throws on malformed text.
 */

export interface HeaderField {
  name: string;
  /** Unfolded, still encoded (what was on the wire, minus the line breaks). */
  raw: string;
  /** Encoded words decoded, for display. */
  value: string;
}

export interface MimePart {
  headers: readonly HeaderField[];
  /** Lower case `type/subtype`; text/plain when absent (RFC 2045 §5.2). */
  contentType: string;
  params: Readonly<Record<string, string>>;
  disposition?: string;
  filename?: string;
  transferEncoding: string;
  /** The undecoded body of a leaf part (binary string); empty for a multipart. */
  body: string;
  children: readonly MimePart[];
}

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  sizeBytes: number;
}

export interface ParsedMessage {
  headers: readonly HeaderField[];
  root: MimePart;
  /** The first text/plain and text/html bodies that are not attachments, decoded. */
  text?: string;
  html?: string;
  attachments: readonly AttachmentInfo[];
  /** Set when a limit cut the parse short (the rest is not shown). */
  truncated: boolean;
}

export const MIME_LIMITS = { depth: 12, parts: 300, headers: 1000 } as const;

/** Bytes → one char per byte (latin1), the form every function here reads. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

function binaryToBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i) & 0xff;
  return bytes;
}

/** Decodes bytes in `charset`; an unknown label falls back to UTF-8 (never throws). */
export function decodeCharset(binary: string, charset = 'utf-8'): string {
  const bytes = binaryToBytes(binary);
  try {
    return new TextDecoder(charset.trim().toLowerCase() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Splits at the first empty line: header block and body (both binary strings). */
export function splitHeaderBody(raw: string): { head: string; body: string } {
  // A part may start with its empty line: no header fields at all.
  const leading = /^\r?\n/.exec(raw);
  if (leading) return { head: '', body: raw.slice(leading[0].length) };
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

/** Header fields in order, unfolded (RFC 5322 §2.2.3); lines that are not fields are skipped. */
export function parseHeaderBlock(head: string, maxFields: number = MIME_LIMITS.headers): HeaderField[] {
  const fields: HeaderField[] = [];
  let current: { name: string; raw: string } | undefined;
  const flush = () => {
    if (current && fields.length < maxFields) {
      fields.push({ name: current.name, raw: current.raw, value: decodeEncodedWords(current.raw) });
    }
    current = undefined;
  };
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (current) current.raw += line;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current = { name: line.slice(0, colon).trim(), raw: line.slice(colon + 1).trim() };
  }
  flush();
  return fields;
}

export function headerValue(headers: readonly HeaderField[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === wanted)?.value;
}

/** RFC 2047: `=?charset?B|Q?text?=`; whitespace between two encoded words disappears. */
export function decodeEncodedWords(text: string): string {
  const word = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  const joined = text.replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1');
  return joined.replace(word, (_all, charset: string, encoding: string, data: string) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? decodeBase64(data)
        : data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    // RFC 2231 §5 allows a language after '*': "utf-8*en".
    return decodeCharset(bytes, charset.split('*')[0]);
  });
}

/** Base64 → binary string; characters outside the alphabet are ignored (RFC 2045 §6.8). */
export function decodeBase64(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const usable = clean.length - (clean.length % 4 === 1 ? 1 : 0);
  const padded = clean.slice(0, usable) + '='.repeat((4 - (usable % 4)) % 4);
  try {
    return atob(padded);
  } catch {
    return '';
  }
}

/** Quoted-printable → binary string (RFC 2045 §6.7): soft line breaks removed, =XX decoded. */
export function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/[ \t]+(?=\r?\n)/g, '')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function decodeTransfer(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

/**
 * `type/subtype; a=b; c="d e"` → value and parameters (names lower case). RFC 2231
 * continuations (`name*0*=`, `name*1=`) and charset'lang'%XX values are joined and decoded.
 */
export function parseStructured(text: string): { value: string; params: Record<string, string> } {
  const [value = '', ...rest] = splitParams(text);
  const pieces = new Map<string, { index: number; encoded: boolean; text: string }[]>();
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim().toLowerCase();
    const text = unquote(item.slice(eq + 1).trim());
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
    if (!m) continue;
    const [, name = '', index, star] = m;
    if (index === undefined && star === undefined) {
      params[name] = text;
      continue;
    }
    const list = pieces.get(name) ?? [];
    list.push({ index: Number(index ?? 0), encoded: star !== undefined, text });
    pieces.set(name, list);
  }
  for (const [name, list] of pieces) params[name] = joinRfc2231(list.sort((a, b) => a.index - b.index));
  return { value: value.trim().toLowerCase(), params };
}

function joinRfc2231(list: { index: number; encoded: boolean; text: string }[]): string {
  let charset = 'utf-8';
  let binary = '';
  list.forEach((piece, i) => {
    let text = piece.text;
    if (piece.encoded && i === 0) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(text);
      if (m) {
        charset = m[1] || charset;
        text = m[2] ?? '';
      }
    }
    binary += piece.encoded
      ? text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      : text;
  });
  return decodeCharset(binary, charset);
}

/** Splits at ';' outside quoted strings. */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quoted) {
      current += c + (text[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  return text;
}

/** The parts between `--boundary` lines (RFC 2046 §5.1.1); preamble and epilogue dropped. */
export function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const starts: number[] = [];
  let from = 0;
  for (;;) {
    const at = body.indexOf(delimiter, from);
    if (at < 0) break;
    // A delimiter starts a line and is followed by "--", white space or the line end ("--bx" is not "--b").
    const after = body[at + delimiter.length];
    const ends =
      after === undefined || after === '-' || after === '\r' || after === '\n' || after === ' ' || after === '\t';
    if ((at === 0 || body[at - 1] === '\n') && ends) starts.push(at);
    from = at + delimiter.length;
  }
  const parts: string[] = [];
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i]!;
    if (body.startsWith('--', at + delimiter.length)) break;
    const lineEnd = body.indexOf('\n', at);
    if (lineEnd < 0) break;
    const next = starts[i + 1] ?? body.length;
    // The CRLF before the next delimiter belongs to the delimiter.
    let end = next;
    if (body[end - 1] === '\n') end -= 1;
    if (body[end - 1] === '\r') end -= 1;
    parts.push(body.slice(lineEnd + 1, Math.max(lineEnd + 1, end)));
  }
  return parts;
}
