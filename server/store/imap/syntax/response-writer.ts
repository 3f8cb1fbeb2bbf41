/**
 * Encoders for IMAP responses (RFC 3501 §7). Everything returns Buffers because
 * message bodies are bytes: a body part goes out as a literal, untouched.
 */
export { decodeMailboxName, encodeMailboxName } from './mutf7.js';

/**
 * A value to encode: string → quoted or literal; number; null → NIL; Buffer → literal;
 * array → parenthesised list; `{ atom }` → as is (flags, keywords, BODY[...] names).
 */
export type ResponseValue = string | number | null | Buffer | { atom: string } | ResponseValue[];

export interface EncodeOptions {
  /** After ENABLE UTF8=ACCEPT (RFC 6855) 8-bit UTF-8 may go in quoted strings. */
  utf8?: boolean;
}

const CRLF = Buffer.from('\r\n');

export function atom(text: string): { atom: string } {
  return { atom: text };
}

/** Quoted when it can be (§4.3); a literal for CR, LF, NUL, 8-bit text or long strings. */
export function encodeString(text: string, opts: EncodeOptions = {}): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const needsLiteral = /[\r\n\0]/.test(text) || (!opts.utf8 && bytes.length !== text.length) || bytes.length > 1024;
  if (needsLiteral) return encodeLiteral(bytes);
  return Buffer.from(`"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`, 'utf8');
}

export function encodeLiteral(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes]);
}

export function encodeValue(value: ResponseValue, opts: EncodeOptions = {}): Buffer {
  if (value === null) return Buffer.from('NIL');
  if (typeof value === 'number') return Buffer.from(String(value));
  if (typeof value === 'string') return encodeString(value, opts);
  if (Buffer.isBuffer(value)) return encodeLiteral(value);
  if (Array.isArray(value)) return encodeList(value, opts);
  return Buffer.from(value.atom, 'utf8');
}

export function encodeList(items: readonly ResponseValue[], opts: EncodeOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('(')];
  items.forEach((item, i) => {
    if (i > 0) parts.push(Buffer.from(' '));
    parts.push(encodeValue(item, opts));
  });
  parts.push(Buffer.from(')'));
  return Buffer.concat(parts);
}

/** `(\Seen \Answered $Label1)`: flags are atoms, never quoted. */
export function encodeFlags(flags: readonly string[]): Buffer {
  return Buffer.from(`(${flags.join(' ')})`);
}

/** `* 12 FETCH (UID 3 FLAGS (\Seen) BODY[HEADER] {123}\r\n...)\r\n`; names are response names. */
export function encodeFetchResponse(
  seq: number,
  items: ReadonlyArray<readonly [name: string, value: ResponseValue]>,
  opts: EncodeOptions = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from(`* ${seq} FETCH (`)];
  items.forEach(([name, value], i) => {
    parts.push(Buffer.from(`${i > 0 ? ' ' : ''}${name} `));
    parts.push(encodeValue(value, opts));
  });
  parts.push(Buffer.from(')'), CRLF);
  return Buffer.concat(parts);
}

/** `tag OK [code] text` (or `*` untagged); the text is one line. */
export function encodeStatus(
  tag: string,
  status: 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE',
  text: string,
  code?: string,
): Buffer {
  const safeText = text.replace(/[\r\n]+/g, ' ');
  return Buffer.from(`${tag} ${status} ${code ? `[${code}] ` : ''}${safeText}\r\n`);
}

export function encodeContinuation(text = 'Ready for literal data'): Buffer {
  return Buffer.from(`+ ${text}\r\n`);
}

/** `* name value...\r\n`, e.g. untagged('LIST', [[atom('\\HasNoChildren')], '/', 'INBOX']). */
export function encodeUntagged(name: string, values: readonly ResponseValue[] = [], opts: EncodeOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from(`* ${name}`)];
  for (const v of values) parts.push(Buffer.from(' '), encodeValue(v, opts));
  parts.push(CRLF);
  return Buffer.concat(parts);
}
export { formatInternalDate, parseInternalDate } from './imap-date.js';
