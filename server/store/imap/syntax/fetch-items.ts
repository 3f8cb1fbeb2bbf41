/**
 * FETCH data items (RFC 3501 §6.4.5, CONDSTORE MODSEQ from RFC 7162) parsed from
 * the reader's values into a typed list the FETCH command can execute.
 */
import { asAString, ImapSyntaxError, type ImapValue } from './types.js';

export type SimpleFetchKind =
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'UID'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT'
  | 'MODSEQ';

export interface SectionSpec {
  /** Part path, e.g. [1, 2] for `1.2`; empty for the whole message. */
  part: number[];
  text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Header names (as given) for HEADER.FIELDS / HEADER.FIELDS.NOT. */
  fields?: string[];
}

export type FetchItem =
  | { kind: SimpleFetchKind }
  | { kind: 'BODY[]'; peek: boolean; section: SectionSpec; partial?: { offset: number; length?: number } };

const SIMPLE = new Set<string>([
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'UID',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
  'MODSEQ',
]);

const SECTION_TEXTS = new Set(['HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME']);

const MACROS: Record<string, SimpleFetchKind[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

/** The FETCH argument after the sequence set: a macro, one item, or a list of items. */
export function parseFetchItems(value: ImapValue | undefined): FetchItem[] {
  if (!value) throw new ImapSyntaxError('Missing FETCH data items');
  if (value.type === 'atom') {
    const macro = MACROS[value.value.toUpperCase()];
    if (macro) return macro.map((kind) => ({ kind }));
  }
  const values = value.type === 'list' ? value.items : [value];
  if (values.length === 0) throw new ImapSyntaxError('Empty FETCH data item list');
  return values.map(parseFetchItem);
}

function parseFetchItem(v: ImapValue): FetchItem {
  if (v.type === 'atom') {
    const name = v.value.toUpperCase();
    if (SIMPLE.has(name)) return { kind: name as SimpleFetchKind };
    throw new ImapSyntaxError(`Unknown FETCH data item ${v.value}`);
  }
  if (v.type === 'section') {
    const name = v.name.toUpperCase();
    if (name !== 'BODY' && name !== 'BODY.PEEK') throw new ImapSyntaxError(`Unknown FETCH data item ${v.name}[]`);
    if (v.partial && v.partial.length === 0) throw new ImapSyntaxError('Partial length must be non-zero');
    const item: FetchItem = { kind: 'BODY[]', peek: name === 'BODY.PEEK', section: parseSectionSpec(v.spec) };
    if (v.partial) item.partial = v.partial;
    return item;
  }
  throw new ImapSyntaxError('Invalid FETCH data item');
}

/** Section spec tokens: `1.2.HEADER.FIELDS (From To)`, `TEXT`, `1.MIME`, `` (empty). */
export function parseSectionSpec(spec: ImapValue[]): SectionSpec {
  if (spec.length === 0) return { part: [] };
  const head = spec[0]!;
  const word = head.type === 'number' ? head.text : head.type === 'atom' ? head.value : undefined;
  if (word === undefined) throw new ImapSyntaxError('Invalid section');
  const pieces = word.split('.');
  const part: number[] = [];
  while (pieces.length > 0 && /^\d+$/.test(pieces[0]!)) {
    const n = Number(pieces.shift());
    if (n === 0) throw new ImapSyntaxError('Part numbers start at 1');
    part.push(n);
  }
  const rest = pieces.join('.').toUpperCase();
  if (rest !== '' && !SECTION_TEXTS.has(rest)) throw new ImapSyntaxError(`Invalid section "${word}"`);
  const text = rest === '' ? undefined : (rest as NonNullable<SectionSpec['text']>);
  if (text === 'MIME' && part.length === 0) throw new ImapSyntaxError('MIME needs a part number');
  const section: SectionSpec = text ? { part, text } : { part };
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    const list = spec[1];
    if (spec.length !== 2 || list?.type !== 'list' || list.items.length === 0) {
      throw new ImapSyntaxError(`${text} needs a list of header names`);
    }
    section.fields = list.items.map((f) => asAString(f, 'header name'));
  } else if (spec.length !== 1) {
    throw new ImapSyntaxError('Unexpected data in section');
  }
  return section;
}

/** CONDSTORE FETCH modifiers: `(CHANGEDSINCE n)`. */
export function parseFetchModifiers(value: ImapValue | undefined): { changedSince?: number } {
  if (!value) return {};
  if (value.type !== 'list') throw new ImapSyntaxError('FETCH modifiers must be a list');
  const [name, n] = value.items;
  if (
    value.items.length !== 2 ||
    name?.type !== 'atom' ||
    name.value.toUpperCase() !== 'CHANGEDSINCE' ||
    n?.type !== 'number'
  ) {
    throw new ImapSyntaxError('Unknown FETCH modifier');
  }
  return { changedSince: n.value };
}

/** The section text as it is echoed in the response, e.g. `1.HEADER.FIELDS (FROM TO)`. */
export function formatSection(section: SectionSpec): string {
  const path = section.part.join('.');
  let text = section.text ? (path ? `${path}.${section.text}` : section.text) : path;
  if (section.fields) text += ` (${section.fields.map((f) => f.toUpperCase()).join(' ')})`;
  return text;
}

/** Response name: BODY.PEEK answers as BODY; a partial echoes only its origin (§7.4.2). */
export function fetchItemResponseName(item: FetchItem): string {
  if (item.kind !== 'BODY[]') return item.kind;
  const origin = item.partial ? `<${item.partial.offset}>` : '';
  return `BODY[${formatSection(item.section)}]${origin}`;
}

/** Fetching this item sets \Seen (non-PEEK body sections, RFC822, RFC822.TEXT). */
export function fetchSetsSeen(item: FetchItem): boolean {
  if (item.kind === 'BODY[]') return !item.peek;
  return item.kind === 'RFC822' || item.kind === 'RFC822.TEXT';
}
