import libmime from 'libmime';
import type { ParamValue, WireParams } from './types.js';

/**
 * Parses a MIME structured header value: `value *(";" name "=" value)` (RFC 2045 5.1,
 * RFC 2183), with comments, quoted strings and RFC 2231 continuations and charsets.
 * Lenient where mailers are sloppy: unquoted values may contain tspecials such as '='
 * and '/' (boundary=----=_Part_1), junk between parameters is skipped.
 */
interface RawParam {
  name: string;
  value: string;
}

export function parseParamHeader(text: string): ParamValue {
  const lexer = new Lexer(text);
  const value = lexer.readMainValue();
  const raw: RawParam[] = [];
  while (lexer.skipTo(';')) {
    lexer.skipCfws();
    const name = lexer.readToken().toLowerCase();
    lexer.skipCfws();
    if (!name || !lexer.eat('=')) continue;
    lexer.skipCfws();
    raw.push({ name, value: lexer.readParamValue() });
  }
  return { value, ...mergeParams(raw) };
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

class Lexer {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** Skips white space and (nested) comments. */
  skipCfws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '(') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    let depth = 0;
    const t = this.text;
    for (; this.pos < t.length; this.pos++) {
      const c = t[this.pos];
      if (c === '\\') this.pos++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        this.pos++;
        return;
      }
    }
  }

  /** "type/subtype" or a disposition token: everything up to ';' minus comments and spaces. */
  readMainValue(): string {
    let out = '';
    this.skipCfws();
    while (this.pos < this.text.length && this.text[this.pos] !== ';') {
      const c = this.text[this.pos]!;
      if (c === '(') this.skipComment();
      else {
        if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n' && c !== '"') out += c;
        this.pos++;
      }
    }
    return out.toLowerCase();
  }

  readToken(): string {
    const start = this.pos;
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c <= ' ' || TSPECIALS.includes(c)) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  readParamValue(): string {
    const t = this.text;
    if (t[this.pos] === '"') return this.readQuoted();
    const start = this.pos;
    while (this.pos < t.length && !';( \t\r\n'.includes(t[this.pos]!)) this.pos++;
    return t.slice(start, this.pos);
  }

  private readQuoted(): string {
    let out = '';
    const t = this.text;
    for (this.pos++; this.pos < t.length; this.pos++) {
      const c = t[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\' && this.pos + 1 < t.length) out += t[++this.pos];
      else if (c !== '\r' && c !== '\n') out += c;
    }
    return out; // unterminated: take what there is
  }

  eat(c: string): boolean {
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  /** Moves past the next ';' (skipping quoted strings); false at the end. */
  skipTo(c: string): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const ch = t[this.pos]!;
      if (ch === c) {
        this.pos++;
        return true;
      }
      if (ch === '"') this.readQuoted();
      else this.pos++;
    }
    return false;
  }
}

interface Segment {
  index: number;
  extended: boolean;
  value: string;
}

/** Groups `name*0*`, `name*1` ... by base name, in first-seen order (RFC 2231 3-4). */
function mergeParams(raw: RawParam[]): { params: Map<string, string>; wire: WireParams } {
  const groups = new Map<string, Segment[]>();
  for (const p of raw) {
    const m = /^(.+?)(?:\*(\d+))?(\*)?$/.exec(p.name);
    if (!m) continue;
    const base = m[1]!;
    const segment = { index: m[2] === undefined ? -1 : Number(m[2]), extended: m[3] === '*', value: p.value };
    const key = segment.index < 0 && !segment.extended ? base : `${base}*`;
    const list = groups.get(key) ?? [];
    // A repeated plain parameter: the first one wins.
    if (segment.index < 0 && list.length > 0) continue;
    list.push(segment);
    groups.set(key, list);
  }
  const params = new Map<string, string>();
  const wire: WireParams = [];
  for (const [key, segments] of groups) {
    if (!key.endsWith('*')) {
      wire.push([key, segments[0]!.value]);
      if (!params.has(key)) params.set(key, segments[0]!.value);
      continue;
    }
    segments.sort((a, b) => a.index - b.index);
    const merged = mergeSegments(segments);
    const base = key.slice(0, -1);
    wire.push([merged.extended ? key : base, merged.wireValue]);
    params.set(base, merged.decoded); // an RFC 2231 value beats a plain one of the same name
  }
  return { params, wire };
}

function mergeSegments(segments: Segment[]): { extended: boolean; wireValue: string; decoded: string } {
  const extended = segments.some((s) => s.extended);
  if (!extended) {
    const joined = segments.map((s) => s.value).join('');
    return { extended, wireValue: joined, decoded: joined };
  }
  let charset = 'us-ascii';
  let prefix = "''";
  let encoded = '';
  segments.forEach((s, i) => {
    let v = s.value;
    if (i === 0 && s.extended) {
      const m = /^([^']*)'([^']*)'(.*)$/s.exec(v);
      if (m) {
        charset = m[1] || 'us-ascii';
        prefix = `${m[1]}'${m[2]}'`;
        v = m[3]!;
      }
    }
    encoded += s.extended ? v : percentEncode(v);
  });
  return { extended, wireValue: prefix + encoded, decoded: decodePercent(encoded, charset) };
}

function percentEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (b) =>
    b > 0x20 && b < 0x7f && !'*\'%()<>@,;:\\"/[]?='.includes(String.fromCharCode(b))
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}

/** %XX bytes in `charset` to text; libmime's Q decoder does the charset work. */
function decodePercent(encoded: string, charset: string): string {
  const q = encoded
    .replace(/[=_?]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%([0-9a-fA-F]{2})/g, '=$1');
  try {
    return libmime.decodeWord(charset, 'Q', q);
  } catch {
    return encoded;
  }
}
