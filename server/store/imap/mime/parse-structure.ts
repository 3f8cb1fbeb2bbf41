import { fieldValue, firstField, readHeaderBlock, type HeaderBlock } from './header-block.js';
import { parseParamHeader } from './content-params.js';
import { splitMultipart } from './multipart.js';
import type { MimeNode, ParamValue } from './types.js';

/**
 * Builds the MIME tree IMAP FETCH works from (RFC 2045-2046, RFC 3501 7.4.2). Every node
 * holds offsets into `raw`, never copies. Nothing here throws on bad input: a multipart
 * with no usable boundary, or nesting past MAX_DEPTH, degrades to a single text/plain part.
 */
const MAX_DEPTH = 64;

type DefaultType = 'text' | 'message';

export function parseMimeTree(raw: Buffer): MimeNode {
  try {
    return parseEntity(raw, 0, raw.length, 'text', 0);
  } catch {
    // Belt and braces: the parser is written not to throw, but FETCH must never crash.
    return fallbackNode(raw);
  }
}

function parseEntity(raw: Buffer, start: number, end: number, defaultType: DefaultType, depth: number): MimeNode {
  const block = readHeaderBlock(raw, start, end);
  const node = baseNode(raw, start, end, block);
  applyContentType(node, raw, block, defaultType);
  if (node.type === 'multipart') attachParts(node, raw, depth);
  else if (node.type === 'message' && node.subtype === 'rfc822') {
    if (depth >= MAX_DEPTH) degradeToText(node);
    else node.message = parseEntity(raw, node.bodyStart, node.bodyEnd, 'text', depth + 1);
  }
  if (node.type === 'text' || (node.type === 'message' && node.subtype === 'rfc822')) {
    node.lines = countLines(raw, node.bodyStart, node.bodyEnd);
  }
  return node;
}

function baseNode(raw: Buffer, start: number, end: number, block: HeaderBlock): MimeNode {
  const text = (name: string): string | null => {
    const f = firstField(block, name);
    return f ? fieldValue(raw, f) : null;
  };
  const dispositionText = text('content-disposition');
  const language = text('content-language');
  return {
    source: raw,
    headerStart: start,
    headerEnd: block.headerEnd,
    bodyStart: block.bodyStart,
    bodyEnd: end,
    type: 'text',
    subtype: 'plain',
    params: new Map(),
    wireParams: [],
    encoding: (text('content-transfer-encoding') ?? '7bit').toLowerCase().replace(/\s*\(.*$/, '') || '7bit',
    contentId: text('content-id'),
    description: text('content-description'),
    disposition: dispositionText ? parseDisposition(dispositionText) : null,
    language: language ? parseLanguage(language) : null,
    location: text('content-location'),
    md5: text('content-md5'),
    sizeBytes: end - block.bodyStart,
    lines: null,
    children: [],
    message: null,
  };
}

function applyContentType(node: MimeNode, raw: Buffer, block: HeaderBlock, defaultType: DefaultType): void {
  const field = firstField(block, 'content-type');
  const parsed = field ? parseParamHeader(fieldValue(raw, field)) : null;
  const m = parsed ? /^([^/]+)\/([^/]+)$/.exec(parsed.value) : null;
  if (!parsed || !m) {
    // RFC 2045 5.2 (and RFC 2046 5.1.5 for digest parts): absent or invalid means the default.
    if (defaultType === 'message') setType(node, 'message', 'rfc822', new Map(), []);
    else degradeToText(node);
    return;
  }
  setType(node, m[1]!, m[2]!, parsed.params, parsed.wire);
}

function attachParts(node: MimeNode, raw: Buffer, depth: number): void {
  const boundary = node.params.get('boundary');
  const ranges = boundary && depth < MAX_DEPTH ? splitMultipart(raw, node.bodyStart, node.bodyEnd, boundary) : [];
  if (ranges.length === 0) {
    degradeToText(node);
    return;
  }
  const childDefault: DefaultType = node.subtype === 'digest' ? 'message' : 'text';
  node.children = ranges.map(([s, e]) => parseEntity(raw, s, e, childDefault, depth + 1));
}

function setType(
  node: MimeNode,
  type: string,
  subtype: string,
  params: Map<string, string>,
  wire: ParamValue['wire'],
): void {
  node.type = type;
  node.subtype = subtype;
  node.params = params;
  node.wireParams = wire;
}

function degradeToText(node: MimeNode): void {
  setType(node, 'text', 'plain', new Map([['charset', 'us-ascii']]), [['charset', 'us-ascii']]);
  node.children = [];
  node.message = null;
}

function parseDisposition(text: string): ParamValue | null {
  const parsed = parseParamHeader(text);
  return parsed.value ? parsed : null;
}

/** Content-Language (RFC 3282): a comma-separated list of tags; comments dropped. */
function parseLanguage(text: string): string[] | null {
  const tags = text
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return tags.length > 0 ? tags : null;
}

/** Line breaks in the range, plus one for a last line without a break (RFC 3501 body-fld-lines). */
export function countLines(raw: Buffer, start: number, end: number): number {
  let lines = 0;
  let pos = raw.indexOf(0x0a, start);
  while (pos >= 0 && pos < end) {
    lines++;
    pos = raw.indexOf(0x0a, pos + 1);
  }
  if (end > start && raw[end - 1] !== 0x0a) lines++;
  return lines;
}

function fallbackNode(raw: Buffer): MimeNode {
  const node = baseNode(raw, 0, raw.length, { fields: [], headerEnd: 0, bodyStart: 0 });
  degradeToText(node);
  node.lines = countLines(raw, 0, raw.length);
  return node;
}
