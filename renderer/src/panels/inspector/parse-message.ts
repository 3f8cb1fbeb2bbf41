/**
 * A whole message, parsed for the inspector: the header fields, the part tree, the
 * readable bodies and the attachments (name, type, size). Built on mime.ts.
 */
import {
  MIME_LIMITS,
  decodeCharset,
  decodeTransfer,
  headerValue,
  parseHeaderBlock,
  parseStructured,
  splitHeaderBody,
  splitMultipart,
  type AttachmentInfo,
  type HeaderField,
  type MimePart,
  type ParsedMessage,
} from './mime.js';

interface Budget {
  parts: number;
  truncated: boolean;
}

/** Parses a raw message given as a binary string (see bytesToBinary). Never throws. */
export function parseMessage(raw: string): ParsedMessage {
  const budget: Budget = { parts: MIME_LIMITS.parts, truncated: false };
  const root = parsePart(raw, 0, budget, 'text/plain');
  const found: { text?: string; html?: string; attachments: AttachmentInfo[] } = { attachments: [] };
  collect(root, found);
  return { headers: root.headers, root, ...found, truncated: budget.truncated };
}

function parsePart(raw: string, depth: number, budget: Budget, defaultType: string): MimePart {
  budget.parts -= 1;
  const { head, body } = splitHeaderBody(raw);
  const headers = parseHeaderBlock(head);
  const type = parseStructured(rawOf(headers, 'content-type') ?? defaultType);
  const disposition = parseStructured(rawOf(headers, 'content-disposition') ?? '');
  const contentType = type.value.includes('/') ? type.value : defaultType;
  const filename = disposition.params.filename ?? type.params.name;
  const part: MimePart = {
    headers,
    contentType,
    params: type.params,
    disposition: disposition.value || undefined,
    filename: filename === undefined ? undefined : decodeWordsInName(filename),
    transferEncoding: (headerValue(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
    body: '',
    children: [],
  };
  const boundary = type.params.boundary;
  if (contentType.startsWith('multipart/') && boundary) {
    if (depth >= MIME_LIMITS.depth) {
      budget.truncated = true;
      return part;
    }
    const childDefault = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    const children: MimePart[] = [];
    for (const chunk of splitMultipart(body, boundary)) {
      if (budget.parts <= 0) {
        budget.truncated = true;
        break;
      }
      children.push(parsePart(chunk, depth + 1, budget, childDefault));
    }
    return { ...part, children };
  }
  return { ...part, body };
}

function rawOf(headers: readonly HeaderField[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.raw;
}

/** Some senders put RFC 2047 words in a filename parameter (not allowed, but common). */
function decodeWordsInName(name: string): string {
  return /=\?[^?]+\?[bBqQ]\?/.test(name) ? (parseHeaderBlock(`X: ${name}`)[0]?.value ?? name) : name;
}

function isAttachment(part: MimePart): boolean {
  if (part.disposition === 'attachment') return true;
  if (part.filename !== undefined) return true;
  return !part.contentType.startsWith('text/') && !part.contentType.startsWith('multipart/');
}

function collect(part: MimePart, found: { text?: string; html?: string; attachments: AttachmentInfo[] }): void {
  if (part.children.length > 0) {
    for (const child of part.children) collect(child, found);
    return;
  }
  if (part.contentType.startsWith('multipart/')) return;
  if (isAttachment(part)) {
    found.attachments.push({
      filename: part.filename ?? '(no name)',
      contentType: part.contentType,
      sizeBytes: decodeTransfer(part.body, part.transferEncoding).length,
    });
    return;
  }
  const decoded = () => decodeCharset(decodeTransfer(part.body, part.transferEncoding), part.params.charset);
  if (part.contentType === 'text/html') found.html ??= decoded();
  else if (part.contentType === 'text/plain' || part.contentType.startsWith('text/')) found.text ??= decoded();
}
