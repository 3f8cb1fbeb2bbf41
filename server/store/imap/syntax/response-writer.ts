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

/**
 * Collects a response as text runs and raw byte runs, converting the text to UTF-8
 * once at the end: a FETCH line of 30 small values is then one Buffer.from, not 60.
 * (A 10,000-message ENVELOPE fetch spent more time concatenating than reading mail.)
 */
class ResponseBuilder {
  private readonly parts: Buffer[] = [];
  private text = '';

  str(text: string): void {
    this.text += text;
  }

  bytes(data: Buffer): void {
    this.flushText();
    this.parts.push(data);
  }

  value(value: ResponseValue, opts: EncodeOptions): void {
    if (value === null) this.str('NIL');
    else if (typeof value === 'number') this.str(String(value));
    else if (typeof value === 'string') this.string(value, opts);
    else if (Buffer.isBuffer(value)) {
      this.str(`{${value.length}}\r\n`);
      this.bytes(value);
    } else if (Array.isArray(value)) this.list(value, opts);
    else this.str(value.atom);
  }

  list(items: readonly ResponseValue[], opts: EncodeOptions): void {
    this.str('(');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.str(' ');
      this.value(items[i]!, opts);
    }
    this.str(')');
  }

  /** Quoted when it can be (§4.3); a literal for CR, LF, NUL, 8-bit text or long strings. */
  string(text: string, opts: EncodeOptions): void {
    const eightBit = /[^\x00-\x7f]/.test(text);
    const byteLength = eightBit ? Buffer.byteLength(text, 'utf8') : text.length;
    const needsLiteral = /[\r\n\0]/.test(text) || (!opts.utf8 && eightBit) || byteLength > 1024;
    if (needsLiteral) this.str(`{${byteLength}}\r\n${text}`);
    else this.str(`"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  }

  done(): Buffer {
    this.flushText();
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
  }

  private flushText(): void {
    if (this.text === '') return;
    this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
}

export function atom(text: string): { atom: string } {
  return { atom: text };
}

/** Quoted when it can be (§4.3); a literal for CR, LF, NUL, 8-bit text or long strings. */
export function encodeString(text: string, opts: EncodeOptions = {}): Buffer {
  const out = new ResponseBuilder();
  out.string(text, opts);
  return out.done();
}

export function encodeLiteral(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes]);
}

export function encodeValue(value: ResponseValue, opts: EncodeOptions = {}): Buffer {
  const out = new ResponseBuilder();
  out.value(value, opts);
  return out.done();
}

export function encodeList(items: readonly ResponseValue[], opts: EncodeOptions = {}): Buffer {
  const out = new ResponseBuilder();
  out.list(items, opts);
  return out.done();
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
  const out = new ResponseBuilder();
  out.str(`* ${seq} FETCH (`);
  for (let i = 0; i < items.length; i++) {
    const [name, value] = items[i]!;
    out.str(`${i > 0 ? ' ' : ''}${name} `);
    out.value(value, opts);
  }
  out.str(')\r\n');
  return out.done();
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
  const out = new ResponseBuilder();
  out.str(`* ${name}`);
  for (const v of values) {
    out.str(' ');
    out.value(v, opts);
  }
  out.str('\r\n');
  return out.done();
}
export { formatInternalDate, parseInternalDate } from './imap-date.js';
