import type { MessageSummary } from '../types.js';
import { bodyStructure } from './mime/bodystructure.js';
import { envelope, envelopeList } from './mime/envelope.js';
import { parseMimeTree } from './mime/parse-structure.js';
import { partial, sectionBytes } from './mime/sections.js';
import type { MimeNode } from './mime/types.js';
import { sessionFlags } from './mailbox-view.js';
import { fetchItemResponseName, type FetchItem, type SectionSpec } from './syntax/fetch-items.js';
import { atom, formatInternalDate, type ResponseValue } from './syntax/response-writer.js';

/** Items that need the message bytes; the others are answered from the summary. */
export function needsBody(items: readonly FetchItem[]): boolean {
  return items.some((i) => !['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ'].includes(i.kind));
}

export function flagsValue(flags: readonly string[]): ResponseValue {
  return flags.map((f) => atom(f));
}

/** The section as `sectionBytes` wants it: part path and specifier, without the field list. */
function sectionName(section: SectionSpec): string {
  const path = section.part.join('.');
  if (!section.text) return path;
  return path ? `${path}.${section.text}` : section.text;
}

/**
 * One message's FETCH data items, in the order asked (RFC 3501 §7.4.2). The MIME
 * tree is parsed once per message and only when an item needs it. `recent`: the
 * session's own \Recent flag for it.
 */
export function fetchValues(
  items: readonly FetchItem[],
  summary: MessageSummary,
  raw: Buffer | undefined,
  recent = false,
): Array<[string, ResponseValue]> {
  let tree: MimeNode | undefined;
  const mime = (): MimeNode => (tree ??= parseMimeTree(raw ?? Buffer.alloc(0)));
  const bytes = raw ?? Buffer.alloc(0);
  const out: Array<[string, ResponseValue]> = [];
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
        out.push(['UID', summary.uid]);
        break;
      case 'FLAGS':
        out.push(['FLAGS', flagsValue(sessionFlags(summary.flags, recent))]);
        break;
      case 'INTERNALDATE':
        out.push(['INTERNALDATE', formatInternalDate(new Date(summary.internalDate))]);
        break;
      case 'RFC822.SIZE':
        out.push(['RFC822.SIZE', summary.sizeBytes]);
        break;
      case 'MODSEQ':
        out.push(['MODSEQ', [summary.modseq]]);
        break;
      case 'ENVELOPE':
        // The header block ends at the first blank line: no need for the MIME tree.
        out.push(['ENVELOPE', envelopeList(envelope(bytes))]);
        break;
      case 'BODY':
      case 'BODYSTRUCTURE':
        out.push([item.kind, bodyStructure(mime(), item.kind === 'BODYSTRUCTURE')]);
        break;
      case 'RFC822':
        out.push(['RFC822', bytes]);
        break;
      case 'RFC822.HEADER':
        out.push(['RFC822.HEADER', sectionBytes(bytes, mime(), 'HEADER')]);
        break;
      case 'RFC822.TEXT':
        out.push(['RFC822.TEXT', sectionBytes(bytes, mime(), 'TEXT')]);
        break;
      case 'BODY[]': {
        let value = sectionBytes(bytes, mime(), sectionName(item.section), item.section.fields ?? []);
        if (item.partial) value = partial(value, item.partial.offset, item.partial.length ?? Infinity);
        out.push([fetchItemResponseName(item), value]);
        break;
      }
    }
  }
  return out;
}
