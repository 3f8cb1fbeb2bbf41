import libmime from 'libmime';
import { headerBlock, headerValue } from '../mta/headers.js';
import type { HeaderAddress, MessageView } from './types.js';

const MAX_TEXT_CHARS = 256 * 1024;
const PLAIN_CHARSETS = new Set(['us-ascii', 'utf-8', 'utf8']);

/**
 * The common case, read without a MIME parser: one text/plain part in 7bit or 8bit
 * (UTF-8 or ASCII). Its body is its text, byte for byte, so the rules and the virus
 * scanner see exactly what a full parse would give. Anything else — multipart, a
 * transfer encoding, another charset — returns undefined and goes to the parser.
 */
export function simpleTextView(raw: Buffer): MessageView | undefined {
  const block = headerBlock(raw);
  const contentType = unfold(headerValue(block, 'Content-Type') ?? 'text/plain').toLowerCase();
  if (!/^text\/plain\s*(;|$)/.test(contentType)) return undefined;
  const charset = /charset\s*=\s*"?([^";\s]+)/.exec(contentType)?.[1] ?? 'us-ascii';
  if (!PLAIN_CHARSETS.has(charset)) return undefined;
  const encoding = unfold(headerValue(block, 'Content-Transfer-Encoding') ?? '7bit')
    .trim()
    .toLowerCase();
  if (encoding !== '7bit' && encoding !== '8bit') return undefined;

  const bodyStart = raw.indexOf('\r\n\r\n');
  const body = bodyStart < 0 ? Buffer.alloc(0) : raw.subarray(bodyStart + 4);
  const headerNames = new Set<string>();
  for (const m of block.matchAll(/^([!-9;-~]+)[ \t]*:/gm)) headerNames.add((m[1] as string).toLowerCase());
  const subject = decoded(headerValue(block, 'Subject'));
  const dateText = headerValue(block, 'Date');
  const date = dateText ? new Date(unfold(dateText)) : undefined;
  const text = body.toString('utf8');
  return {
    headerNames,
    subject,
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    from: addressOf(headerValue(block, 'From')),
    replyTo: addressOf(headerValue(block, 'Reply-To')),
    text: text.slice(0, MAX_TEXT_CHARS),
    hasTextPart: text.trim().length > 0,
    decodedParts: [body],
    ...(nothingHidden(block, body) && { onePlainPart: true }),
  };
}

const TYPE_FIELDS = /^content-type[ \t]*:/gim;
const ENCODING_FIELDS = /^content-transfer-encoding[ \t]*:/gim;
const CONTENT_FIELD_IN_BODY = /^content-(?:type|transfer-encoding)[ \t]*:/im;

/**
 * Whether every reader sees this message as the one plain part we read. Not when a
 * MIME field is there twice (readers disagree on which one wins: the classic way past
 * a scanner), nor when the body holds MIME fields of its own (a bounce quoting the
 * original's encoded part), as ClamAV also still scans those.
 */
function nothingHidden(block: string, body: Buffer): boolean {
  if ((block.match(TYPE_FIELDS)?.length ?? 0) > 1 || (block.match(ENCODING_FIELDS)?.length ?? 0) > 1) return false;
  return !CONTENT_FIELD_IN_BODY.test(body.toString('latin1'));
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

function decoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return libmime.decodeWords(unfold(value));
  } catch {
    return unfold(value);
  }
}

/** The first address of a From / Reply-To field and its display name (decoded). */
function addressOf(field: string | undefined): HeaderAddress | undefined {
  if (field === undefined) return undefined;
  const value = unfold(field);
  const angle = /^(.*?)<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle) {
    const name = decoded(angle[1]!.trim().replace(/^"(.*)"$/, '$1')) ?? '';
    return { address: angle[2]!.toLowerCase(), name };
  }
  const bare = /([^\s<>",;]+@[^\s<>",;]+)/.exec(value);
  return bare ? { address: bare[1]!.toLowerCase(), name: '' } : undefined;
}
