/**
 * Mail HTML is hostile. The inspector never puts it into the page: it shows it as text
 * (`htmlToText`), or inside an iframe with `sandbox=""` (no scripts, no forms, no
 * navigation of the page, a unique origin) whose document starts with a CSP that
 * forbids every remote load (`sandboxDocument`). `neutralizeHtml` is defence in depth
 * behind those two walls: it drops active elements, event handlers and every URL that
 * would fetch or navigate (a tracking pixel must not tell a sender the mail was read).
 */

/** What the framed document may load: inline styles and data: images, nothing remote. */
export const MAIL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'";

/** Elements dropped with everything inside them. */
const DROP_WITH_CONTENT = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'noscript',
  'template',
  'svg',
  'math',
];
/** Elements whose tags are dropped (their text, if any, stays). */
const DROP_TAG = ['meta', 'base', 'link', 'form', 'input', 'button', 'select', 'textarea', 'portal'];
/** Attributes that fetch or navigate. */
const URL_ATTRIBUTES = [
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'background',
  'poster',
  'xlink:href',
  'ping',
  'lowsrc',
  'dynsrc',
  'longdesc',
  'cite',
  'data',
  'codebase',
];

export function neutralizeHtml(html: string): string {
  let out = '';
  scanHtml(html, {
    text: (text) => (out += text),
    tag: (tag) => {
      // An odd tag name is dropped, never echoed: only plain names reach the frame.
      if (DROP_TAG.includes(tag.name) || !/^[a-z][a-z0-9-]*$/.test(tag.name)) return;
      if (tag.end) out += `</${tag.name}>`;
      else out += `<${tag.name}${cleanAttributes(tag.attributes)}>`;
    },
  });
  return out;
}

function cleanAttributes(attributes: readonly HtmlAttribute[]): string {
  let out = '';
  for (const { name, value } of attributes) {
    if (!/^[a-z_:][\w:.-]*$/.test(name) || name.startsWith('on')) continue;
    if (name === 'style' && /url\s*\(|expression\s*\(|@import|\\/i.test(value ?? '')) continue;
    if (URL_ATTRIBUTES.includes(name)) {
      if (name === 'src' && /^\s*data:image\//i.test(value ?? '')) out += ` src="${escapeAttr(value ?? '')}"`;
      else out += ` data-blocked-${name.replace(':', '-')}="${escapeAttr(value ?? '')}"`;
      continue;
    }
    out += value === undefined ? ` ${name}` : ` ${name}="${escapeAttr(value)}"`;
  }
  return out;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface HtmlAttribute {
  name: string;
  value?: string;
}

export interface HtmlTag {
  name: string;
  end: boolean;
  attributes: readonly HtmlAttribute[];
}

/**
 * A tokenizer close enough to the browser's (HTML "tag open" / "attribute" states) that
 * every tag the browser would see is a tag here too: quoted values may hold '>', a '/'
 * separates attributes, a '<' that starts no tag is text (and comes out as &lt;).
 * Elements in DROP_WITH_CONTENT are skipped up to their end tag.
 */
export function scanHtml(html: string, on: { text(text: string): void; tag(tag: HtmlTag): void }): void {
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      on.text(html.slice(i));
      return;
    }
    if (lt > i) on.text(html.slice(i, lt));
    const next = html[lt + 1] ?? '';
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
    } else if (next === '!' || next === '?' || (next === '/' && !/[a-zA-Z]/.test(html[lt + 2] ?? ''))) {
      const close = html.indexOf('>', lt);
      i = close < 0 ? html.length : close + 1;
    } else if (/[a-zA-Z]/.test(next) || next === '/') {
      const { tag, end } = readTag(html, lt);
      i = end;
      if (!tag.end && DROP_WITH_CONTENT.includes(tag.name)) i = skipElement(html, i, tag.name);
      else on.tag(tag);
    } else {
      on.text('&lt;');
      i = lt + 1;
    }
  }
}

function skipElement(html: string, from: number, name: string): number {
  const close = new RegExp(`</${name}[\\s/>]`, 'i').exec(html.slice(from));
  if (!close) return html.length;
  const gt = html.indexOf('>', from + close.index);
  return gt < 0 ? html.length : gt + 1;
}

function readTag(html: string, lt: number): { tag: HtmlTag; end: number } {
  let i = lt + 1;
  const isEnd = html[i] === '/';
  if (isEnd) i++;
  const nameMatch = /^[^\s/>]*/.exec(html.slice(i, i + 256))!;
  const name = nameMatch[0].toLowerCase();
  i += nameMatch[0].length;
  const attributes: HtmlAttribute[] = [];
  while (i < html.length) {
    while (i < html.length && /[\s/]/.test(html[i]!)) i++;
    if (i >= html.length || html[i] === '>') break;
    let attrName = html[i]!;
    i++;
    while (i < html.length && !/[\s/>=]/.test(html[i]!)) attrName += html[i++];
    while (i < html.length && /\s/.test(html[i]!)) i++;
    let value: string | undefined;
    if (html[i] === '=') {
      i++;
      while (i < html.length && /\s/.test(html[i]!)) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        value = html.slice(i + 1, close < 0 ? html.length : close);
        i = close < 0 ? html.length : close + 1;
      } else {
        const m = /^[^\s>]*/.exec(html.slice(i))!;
        value = m[0];
        i += m[0].length;
      }
    }
    attributes.push({ name: attrName.toLowerCase(), value: value === undefined ? undefined : decodeEntities(value) });
  }
  return { tag: { name, end: isEnd, attributes }, end: Math.min(html.length, i + 1) };
}

/** The srcdoc of the sandboxed frame: the CSP first, so it governs everything after it. */
export function sandboxDocument(html: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${MAIL_CSP}">` +
    '<style>body{font:14px system-ui,sans-serif;margin:8px;color:#1d2430;background:#fff}</style>' +
    `</head><body>${neutralizeHtml(html)}</body></html>`
  );
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  euro: '€',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (all, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[body.toLowerCase()] ?? all;
  });
}

const BLOCKS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'table',
  'ul',
  'ol',
  'blockquote',
  'pre',
  'section',
  'article',
  'header',
  'footer',
]);
const INVISIBLE = new Set(['style', 'head', 'title']);

/** Readable text of an HTML body: blocks become lines, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  let out = '';
  let hidden: string | undefined;
  scanHtml(html, {
    text: (text) => {
      if (hidden === undefined) out += text === '&lt;' ? '<' : decodeEntities(text);
    },
    tag: (tag) => {
      if (hidden !== undefined) {
        if (tag.end && tag.name === hidden) hidden = undefined;
        return;
      }
      if (!tag.end && INVISIBLE.has(tag.name)) hidden = tag.name;
      else if (tag.name === 'br' && !tag.end) out += '\n';
      else if (tag.name === 'li' && !tag.end) out += '\n• ';
      else if (tag.end && BLOCKS.has(tag.name)) out += '\n';
    },
  });
  return out
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
