/**
 * Turns one complete command (its lines and the literals between them) into an
 * ImapCommand. The reader has already cut the byte stream at CRLF and collected each
 * literal; here we only tokenise. Errors throw ImapSyntaxError with a BAD-able text.
 */
import { ImapSyntaxError, type ImapCommand, type ImapValue } from './types.js';

const SP = 0x20;
const LPAREN = 0x28;
const RPAREN = 0x29;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LT = 0x3c;

/** A command as the reader collected it: texts[i] is followed by literals[i]. */
export interface CommandParts {
  texts: Buffer[];
  literals: Buffer[];
}

/** Tag grammar: ASTRING-CHAR minus "+" (RFC 3501 §9 `tag`). */
export function isValidTag(tag: string): boolean {
  return /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+$/.test(tag);
}

/** The tag of a first line, when it has a usable one (for BAD replies on broken commands). */
export function tagOfLine(line: Buffer): string | undefined {
  const sp = line.indexOf(SP);
  const tag = line.subarray(0, sp < 0 ? line.length : sp).toString('latin1');
  return isValidTag(tag) ? tag : undefined;
}

class Cursor {
  private seg = 0;
  pos = 0;
  constructor(private readonly parts: CommandParts) {}

  get text(): Buffer {
    return this.parts.texts[this.seg] ?? Buffer.alloc(0);
  }
  peek(): number | undefined {
    return this.text[this.pos];
  }
  atEnd(): boolean {
    return this.pos >= this.text.length && this.seg >= this.parts.literals.length;
  }
  /** Called after `{n}` ended a text segment: hand out the literal and move on. */
  takeLiteral(): Buffer {
    const lit = this.parts.literals[this.seg];
    if (!lit || this.pos !== this.text.length) throw new ImapSyntaxError('Literal marker must end the line');
    this.seg += 1;
    this.pos = 0;
    return lit;
  }
}

export function parseCommand(parts: CommandParts): ImapCommand {
  const c = new Cursor(parts);
  const tag = readBareWord(c);
  if (!isValidTag(tag)) throw new ImapSyntaxError('Missing or invalid tag');
  expectSpace(c, 'command name');
  let verb = readBareWord(c).toUpperCase();
  if (!/^[A-Z0-9.=-]+$/.test(verb)) throw new ImapSyntaxError('Invalid command name');
  let uid = false;
  if (verb === 'UID') {
    expectSpace(c, 'UID subcommand');
    uid = true;
    verb = readBareWord(c).toUpperCase();
  }
  const args: ImapValue[] = [];
  while (!c.atEnd()) {
    expectSpace(c, 'argument');
    args.push(readValue(c, 0));
  }
  return { tag, verb, uid, args };
}

function expectSpace(c: Cursor, what: string): void {
  if (c.peek() !== SP) throw new ImapSyntaxError(`Expected a space before ${what}`);
  c.pos += 1;
  if (c.peek() === undefined || c.peek() === SP) throw new ImapSyntaxError(`Missing ${what}`);
}

/** Characters up to the next space (tag and command name). */
function readBareWord(c: Cursor): string {
  const start = c.pos;
  while (c.peek() !== undefined && c.peek() !== SP) c.pos += 1;
  return c.text.subarray(start, c.pos).toString('latin1');
}

const MAX_DEPTH = 32;

function readValue(c: Cursor, depth: number, inSection = false): ImapValue {
  const ch = c.peek();
  if (ch === LPAREN) return readList(c, depth + 1, inSection);
  if (ch === DQUOTE) return readQuoted(c);
  if (ch === LBRACE) return { type: 'literal', value: readLiteral(c) };
  if (ch === undefined) throw new ImapSyntaxError('Unexpected end of line');
  return readAtomish(c, inSection);
}

function readList(c: Cursor, depth: number, inSection: boolean): ImapValue {
  if (depth > MAX_DEPTH) throw new ImapSyntaxError('Lists nested too deeply');
  c.pos += 1;
  const items: ImapValue[] = [];
  for (;;) {
    const ch = c.peek();
    if (ch === RPAREN) {
      c.pos += 1;
      return { type: 'list', items };
    }
    if (ch === undefined && c.pos >= c.text.length) throw new ImapSyntaxError('Unbalanced parentheses');
    if (items.length > 0) {
      if (ch !== SP) throw new ImapSyntaxError('Expected a space between list items');
      c.pos += 1;
    }
    items.push(readValue(c, depth, inSection));
  }
}

function readQuoted(c: Cursor): ImapValue {
  c.pos += 1;
  const bytes: number[] = [];
  for (;;) {
    const ch = c.peek();
    if (ch === undefined) throw new ImapSyntaxError('Unterminated quoted string');
    c.pos += 1;
    if (ch === DQUOTE) break;
    // TEXT-CHAR excludes CR, LF and NUL: such strings must come as literals.
    if (ch === 0x0d || ch === 0x00) throw new ImapSyntaxError('CR or NUL in quoted string');
    if (ch === BACKSLASH) {
      const next = c.peek();
      if (next !== DQUOTE && next !== BACKSLASH) throw new ImapSyntaxError('Invalid escape in quoted string');
      c.pos += 1;
      bytes.push(next);
    } else {
      bytes.push(ch);
    }
  }
  return { type: 'string', value: Buffer.from(bytes).toString('utf8') };
}

function readLiteral(c: Cursor): Buffer {
  const rest = c.text.subarray(c.pos).toString('latin1');
  const m = /^\{(\d+)\+?\}$/.exec(rest);
  if (!m) throw new ImapSyntaxError('Invalid literal syntax');
  c.pos = c.text.length;
  return c.takeLiteral();
}

/** Atom end: space, parens, quote, brace, CTL. `]` ends atoms only inside a section. */
function endsAtom(ch: number | undefined, inSection: boolean): boolean {
  if (ch === undefined || ch === SP || ch === LPAREN || ch === RPAREN || ch === DQUOTE || ch === LBRACE) return true;
  if (ch < 0x20 || ch === 0x7f) return true;
  return inSection && ch === RBRACKET;
}

function readAtomish(c: Cursor, inSection: boolean): ImapValue {
  const start = c.pos;
  while (!endsAtom(c.peek(), inSection) && !(c.peek() === LBRACKET && !inSection)) c.pos += 1;
  if (c.peek() === LBRACKET && !inSection) {
    const section = tryReadSection(c, start);
    if (section) return section;
  }
  if (c.pos === start)
    throw new ImapSyntaxError(`Unexpected character ${JSON.stringify(String.fromCharCode(c.peek() ?? 0))}`);
  const text = c.text.subarray(start, c.pos).toString('latin1');
  if (/[\x80-\xff]/.test(text)) throw new ImapSyntaxError('8-bit characters in an atom');
  if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) return { type: 'number', value: Number(text), text };
  if (text.toUpperCase() === 'NIL') return { type: 'nil' };
  return { type: 'atom', value: text };
}

/**
 * Reads `name[...]<a.b>`. If what follows `]` is more atom text (a mailbox such as
 * `[Gmail]/Sent`), rewinds and returns undefined so the caller reads a plain atom.
 */
function tryReadSection(c: Cursor, start: number): ImapValue | undefined {
  const name = c.text.subarray(start, c.pos).toString('latin1');
  c.pos += 1;
  const spec: ImapValue[] = [];
  while (c.peek() !== RBRACKET) {
    if (c.peek() === undefined) throw new ImapSyntaxError('Missing "]"');
    if (spec.length > 0) {
      if (c.peek() !== SP) throw new ImapSyntaxError('Expected a space in section');
      c.pos += 1;
    }
    spec.push(readValue(c, 1, true));
  }
  c.pos += 1;
  let partial: { offset: number; length?: number } | undefined;
  if (c.peek() === LT) partial = readPartial(c);
  if (!endsAtom(c.peek(), false) || name === '') {
    while (!endsAtom(c.peek(), false)) c.pos += 1;
    return { type: 'atom', value: c.text.subarray(start, c.pos).toString('latin1') };
  }
  const text = c.text.subarray(start, c.pos).toString('latin1');
  return partial ? { type: 'section', name, spec, partial, text } : { type: 'section', name, spec, text };
}

function readPartial(c: Cursor): { offset: number; length?: number } {
  const rest = c.text.subarray(c.pos).toString('latin1');
  const m = /^<(\d{1,15})(?:\.(\d{1,15}))?>/.exec(rest);
  if (!m) throw new ImapSyntaxError('Invalid partial range <offset.length>');
  c.pos += m[0].length;
  const offset = Number(m[1]);
  return m[2] === undefined ? { offset } : { offset, length: Number(m[2]) };
}
