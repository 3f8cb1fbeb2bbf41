import { readHeaderBlock } from './header-block.js';
import type { MimeNode } from './types.js';

/**
 * BODY[section] bytes (RFC 3501 6.4.5). `section` is the text between the brackets
 * without the field list, e.g. "", "HEADER", "1.2", "3.TEXT", "2.HEADER.FIELDS";
 * `fields` is the list for HEADER.FIELDS(.NOT). Results are subarrays of `raw` except
 * for HEADER.FIELDS, which is assembled. A part that does not exist yields an empty
 * buffer, which is what common servers send.
 */
const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');

export function sectionBytes(raw: Buffer, tree: MimeNode, section: string, fields: readonly string[] = []): Buffer {
  const m = /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?$/i.exec(section.trim());
  if (!m) return EMPTY;
  const path = m[1] ? m[1].split('.').map(Number) : [];
  const specifier = (m[2] ?? '').toUpperCase();
  if (path.some((n) => !Number.isInteger(n) || n < 1)) return EMPTY;
  const part = path.length === 0 ? tree : resolvePart(tree, path);
  if (!part) return EMPTY;
  if (specifier === '') return path.length === 0 ? raw.subarray(tree.headerStart, tree.bodyEnd) : body(raw, part);
  if (specifier === 'MIME') return path.length === 0 ? EMPTY : raw.subarray(part.headerStart, part.bodyStart);
  // HEADER, TEXT and HEADER.FIELDS name a message: the top one, or a message/rfc822 part's.
  const message = path.length === 0 ? tree : part.message;
  if (!message) return EMPTY;
  if (specifier === 'HEADER') return raw.subarray(message.headerStart, message.bodyStart);
  if (specifier === 'TEXT') return raw.subarray(message.bodyStart, message.bodyEnd);
  return headerFields(raw, message, fields, specifier === 'HEADER.FIELDS.NOT');
}

/** `<start.length>`: the octets from start, at most length of them; empty when start is past the end. */
export function partial(bytes: Buffer, start: number, length: number): Buffer {
  if (start >= bytes.length || length <= 0) return EMPTY;
  return bytes.subarray(start, Math.min(bytes.length, start + length));
}

/**
 * Follows a part number. In a message (the top one or an embedded one) part numbers
 * count the parts of its multipart body; a non-multipart message has exactly one
 * part, "1", its body. A message/rfc822 part's numbers continue into the embedded message.
 */
export function resolvePart(tree: MimeNode, path: readonly number[]): MimeNode | null {
  let message: MimeNode | null = tree;
  let part: MimeNode | null = null;
  for (const n of path) {
    const container: MimeNode | null = message ?? (part && part.type === 'multipart' ? part : null);
    if (!container) return null;
    if (container.type === 'multipart') part = container.children[n - 1] ?? null;
    else part = message && n === 1 ? message : null;
    if (!part) return null;
    message = part.message;
  }
  return part;
}

/** Every part with its IMAP part number, depth first (for UIs and tests). */
export function listParts(tree: MimeNode): Array<{ part: string; node: MimeNode }> {
  const out: Array<{ part: string; node: MimeNode }> = [];
  const walkMessage = (message: MimeNode, prefix: string): void => {
    if (message.type === 'multipart') walkChildren(message, prefix);
    else out.push({ part: `${prefix}1`, node: message });
  };
  const walkChildren = (multipart: MimeNode, prefix: string): void => {
    multipart.children.forEach((child, i) => {
      const id = `${prefix}${i + 1}`;
      out.push({ part: id, node: child });
      if (child.type === 'multipart') walkChildren(child, `${id}.`);
      else if (child.message) walkMessage(child.message, `${id}.`);
    });
  };
  walkMessage(tree, '');
  return out;
}

function body(raw: Buffer, part: MimeNode): Buffer {
  return raw.subarray(part.bodyStart, part.bodyEnd);
}

/** The matching fields in their original order and folding, then the blank line. */
function headerFields(raw: Buffer, message: MimeNode, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const block = readHeaderBlock(raw, message.headerStart, message.headerEnd);
  const pieces: Buffer[] = [];
  for (const f of block.fields) {
    if (wanted.has(f.name) === not) continue;
    const bytes = raw.subarray(f.start, f.end);
    pieces.push(bytes);
    // The last field may end without a line break (header with no blank line after it).
    if (bytes[bytes.length - 1] !== 0x0a) pieces.push(CRLF);
  }
  pieces.push(CRLF);
  return Buffer.concat(pieces);
}
