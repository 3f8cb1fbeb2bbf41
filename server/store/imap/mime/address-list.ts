import type { ImapAddress } from './types.js';

/**
 * RFC 5322 3.4 address lists to IMAP address tuples (RFC 3501 7.4.2): names stay raw
 * header text (encoded-words untouched, quotes removed); a group becomes a start marker
 * (NIL NIL "name" NIL), its members, and an end marker (NIL NIL NIL NIL). A mailbox with
 * no domain gets host "" rather than NIL, because NIL host is how IMAP marks groups.
 */
type Token = { kind: 'word' | 'quoted' | 'comment' | 'literal' | 'special'; text: string };

export function parseAddressList(text: string): ImapAddress[] {
  const out: ImapAddress[] = [];
  let current: Token[] = [];
  let inAngle = false;
  let inGroup = false;
  const flush = (): void => {
    const addr = mailboxFrom(current);
    if (addr) out.push(addr);
    current = [];
  };
  for (const token of tokenize(text)) {
    const t = token.kind === 'special' ? token.text : '';
    if (t === '<') inAngle = true;
    else if (t === '>') inAngle = false;
    if (!inAngle && t === ',') flush();
    else if (!inAngle && t === ':' && !inGroup && !current.some((x) => x.text === '@' && x.kind === 'special')) {
      out.push([null, null, phrase(current) ?? '', null]);
      current = [];
      inGroup = true;
    } else if (!inAngle && t === ';' && inGroup) {
      flush();
      out.push([null, null, null, null]);
      inGroup = false;
    } else current.push(token);
  }
  flush();
  if (inGroup) out.push([null, null, null, null]);
  return out;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (c === '"') i = readDelimited(text, i, '"', '"', 'quoted', tokens);
    else if (c === '(') i = readDelimited(text, i, '(', ')', 'comment', tokens);
    else if (c === '[') i = readDelimited(text, i, '[', ']', 'literal', tokens);
    else if ('<>@,;:.'.includes(c)) {
      tokens.push({ kind: 'special', text: c });
      i++;
    } else {
      const start = i;
      while (i < text.length && !' \t\r\n"()[<>@,;:.'.includes(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    }
  }
  return tokens;
}

/** Quoted string, comment (nested) or domain literal; quoted and comment text is unescaped, literals keep brackets. */
function readDelimited(
  text: string,
  at: number,
  open: string,
  close: string,
  kind: Token['kind'],
  out: Token[],
): number {
  let depth = 1;
  let value = '';
  let i = at + 1;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && kind !== 'literal' && i + 1 < text.length) {
      value += text[++i];
      continue;
    }
    if (kind === 'comment' && c === open) depth++;
    else if (c === close && --depth === 0) {
      i++;
      break;
    }
    value += c;
  }
  out.push({ kind, text: kind === 'literal' ? `[${value}]` : value });
  return i;
}

/** Display-name words joined by one space, or null when there are none. */
function phrase(tokens: Token[]): string | null {
  const words = tokens.filter(
    (t) => t.kind === 'word' || t.kind === 'quoted' || (t.kind === 'special' && t.text === '.'),
  );
  const text = words
    .map((t) => t.text)
    .join(' ')
    .replace(/ \. /g, '. ')
    .trim();
  return text.length > 0 ? text : null;
}

function mailboxFrom(tokens: Token[]): ImapAddress | null {
  if (tokens.length === 0) return null;
  const open = tokens.findIndex((t) => t.kind === 'special' && t.text === '<');
  if (open < 0) {
    const comment = tokens.find((t) => t.kind === 'comment');
    const addr = tokens.filter((t) => t.kind !== 'comment');
    if (addr.length === 0) return null;
    return [comment?.text.trim() || null, null, ...addrSpec(addr)];
  }
  const close = tokens.findIndex((t, i) => i > open && t.kind === 'special' && t.text === '>');
  let inner = tokens.slice(open + 1, close < 0 ? tokens.length : close).filter((t) => t.kind !== 'comment');
  let adl: string | null = null;
  const colon = inner.findIndex((t) => t.kind === 'special' && t.text === ':');
  if (colon >= 0) {
    // obs-route "@a,@b:" (RFC 5322 4.4) is the IMAP "at-domain-list".
    adl = inner.slice(0, colon).map(textOf).join('') || null;
    inner = inner.slice(colon + 1);
  }
  return [phrase(tokens.slice(0, open)), adl, ...addrSpec(inner)];
}

function addrSpec(tokens: Token[]): [string | null, string | null] {
  let at = -1;
  tokens.forEach((t, i) => {
    if (t.kind === 'special' && t.text === '@') at = i;
  });
  const local = (at < 0 ? tokens : tokens.slice(0, at)).map(textOf).join('');
  const host =
    at < 0
      ? ''
      : tokens
          .slice(at + 1)
          .map(textOf)
          .join('');
  return [local.length > 0 ? local : null, host];
}

/** A quoted local-part keeps its quotes: the mailbox string must still be a valid local-part. */
function textOf(t: Token): string {
  return t.kind === 'quoted' ? `"${t.text.replace(/(["\\])/g, '\\$1')}"` : t.text;
}
