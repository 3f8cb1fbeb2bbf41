import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { headerBlock, headerValue } from '../mta/headers.js';
import { simpleTextView } from './simple-view.js';
import type { HeaderAddress, MessageView } from './types.js';

/**
 * Turns raw bytes into what the rules read: header presence, decoded subject and
 * addresses, decoded text, and every decoded part for the virus scanner. Mail from
 * the Internet may be broken MIME, so this never throws: when the parser gives up,
 * the view is a best effort from the raw header block and body.
 */

/** A message inside a message (message/rfc822) is opened this deep, no deeper. */
const MAX_NESTED_DEPTH = 3;
/** Rules read at most this much text: enough for any teaching example, bounded for regexes. */
const MAX_TEXT_CHARS = 256 * 1024;

const PARSE_OPTIONS = {
  // The rules read text; rendering links and HTML is work nobody looks at.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
} as const;

export async function parseMessageView(raw: Buffer): Promise<MessageView> {
  const simple = simpleTextView(raw);
  if (simple) return simple;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, PARSE_OPTIONS);
  } catch (err) {
    return fallbackView(raw, err instanceof Error ? err.message : String(err));
  }
  const decodedParts: Buffer[] = [];
  await collectParts(parsed, decodedParts, 0);
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const hasTextPart = typeof parsed.text === 'string' && parsed.text.trim().length > 0;
  const text = hasTextPart ? (parsed.text as string) : html ? stripTags(html) : '';
  return {
    headerNames: new Set(parsed.headerLines.map((h) => h.key.toLowerCase()).filter((k) => k !== '')),
    subject: parsed.subject,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined,
    from: firstAddress(parsed.from),
    replyTo: firstAddress(parsed.replyTo),
    text: text.slice(0, MAX_TEXT_CHARS),
    html: html?.slice(0, MAX_TEXT_CHARS),
    hasTextPart,
    decodedParts,
  };
}

/** Text, HTML and attachment contents, decoded; nested messages opened in turn. */
async function collectParts(parsed: ParsedMail, out: Buffer[], depth: number): Promise<void> {
  if (typeof parsed.text === 'string') out.push(Buffer.from(parsed.text, 'utf8'));
  if (typeof parsed.html === 'string') out.push(Buffer.from(parsed.html, 'utf8'));
  for (const attachment of parsed.attachments) {
    out.push(attachment.content);
    if (attachment.contentType === 'message/rfc822' && depth < MAX_NESTED_DEPTH) {
      try {
        await collectParts(await simpleParser(attachment.content, PARSE_OPTIONS), out, depth + 1);
      } catch {
        // A broken inner message still had its raw bytes scanned above.
      }
    }
  }
}

function firstAddress(field: AddressObject | undefined): HeaderAddress | undefined {
  const first = field?.value[0];
  if (!first) return undefined;
  // A group (RFC 5322 "name: a, b;") has no address of its own; use its first member.
  const member = first.address ? first : first.group?.[0];
  if (!member?.address) return undefined;
  return { address: member.address.toLowerCase(), name: first.name ?? '' };
}

export function stripTags(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>');
}

/** When MIME parsing fails: header fields from the raw block, the body as-is. */
function fallbackView(raw: Buffer, parseError: string): MessageView {
  const block = headerBlock(raw);
  const names = new Set<string>();
  for (const m of block.matchAll(/^([!-9;-~]+)[ \t]*:/gm)) names.add((m[1] as string).toLowerCase());
  const bodyStart = raw.indexOf('\r\n\r\n');
  const body = bodyStart < 0 ? '' : raw.subarray(bodyStart + 4).toString('latin1');
  const dateText = headerValue(block, 'Date');
  const date = dateText ? new Date(dateText) : undefined;
  const fromText = headerValue(block, 'From');
  const address = fromText ? /<([^<>\s]+@[^<>\s]+)>|([^\s<>"]+@[^\s<>"]+)/.exec(fromText) : null;
  return {
    headerNames: names,
    subject: headerValue(block, 'Subject'),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    from: address ? { address: (address[1] ?? address[2] ?? '').toLowerCase(), name: '' } : undefined,
    text: body.slice(0, MAX_TEXT_CHARS),
    hasTextPart: true,
    decodedParts: [],
    parseError,
  };
}
