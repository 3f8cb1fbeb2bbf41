import { attributeKey, matchFilter, type FilterNode } from './filter.js';
import { ResultCode } from './result-codes.js';
import { indexEntry, type DirectoryTree, type IndexedEntry, type SearchScope } from './tree.js';

/**
 * The search operation (RFC 4511 §4.5) as plain logic: which entries, which of their
 * attributes, which result code. Knows nothing of sockets or of ldapjs.
 */

export interface SearchInput {
  base: string;
  scope: SearchScope;
  filter: FilterNode;
  /** Requested attribute descriptions; empty means all user attributes. */
  attributes: string[];
  /** 0 = no limit asked by the client. */
  sizeLimit: number;
  typesOnly: boolean;
  /** Normalized DN the connection is bound as, undefined when anonymous. */
  boundNormDn: string | undefined;
}

export interface ResultAttribute {
  type: string;
  values: string[];
}

export interface ResultEntry {
  dn: string;
  attributes: ResultAttribute[];
}

export interface SearchOutcome {
  status: number;
  matchedDn?: string;
  message?: string;
  entries: ResultEntry[];
}

/** Never send more than this many entries, whatever the client asks (an admin limit). */
export const SERVER_SIZE_LIMIT = 1000;

export function runSearch(tree: DirectoryTree, rootDse: IndexedEntry, input: SearchInput): SearchOutcome {
  let baseNormDn: string;
  try {
    baseNormDn = tree.normalize(input.base);
  } catch (err) {
    return { status: ResultCode.invalidDnSyntax, message: (err as Error).message, entries: [] };
  }
  const found =
    baseNormDn === '' && input.scope === 'base'
      ? [rootDse].filter((e) => matchFilter(input.filter, e) === true)
      : tree.search(baseNormDn, input.scope, input.filter);
  if (!found) {
    return {
      status: ResultCode.noSuchObject,
      matchedDn: tree.closestExisting(input.base),
      message: `no such entry: ${input.base}`,
      entries: [],
    };
  }
  const limit = input.sizeLimit > 0 ? Math.min(input.sizeLimit, SERVER_SIZE_LIMIT) : SERVER_SIZE_LIMIT;
  const selection = parseSelection(input.attributes);
  const entries = found.slice(0, limit).map((e) => ({
    dn: e.dn,
    attributes: selectAttributes(e, selection, input.boundNormDn, input.typesOnly),
  }));
  if (found.length > limit) {
    return { status: ResultCode.sizeLimitExceeded, message: `more than ${limit} entries match`, entries };
  }
  return { status: ResultCode.success, entries };
}

interface Selection {
  all: boolean;
  names: Set<string>;
}

/** RFC 4511 §4.5.1.8: empty list or `*` = all user attributes; `1.1` = none; `+` = operational. */
function parseSelection(requested: string[]): Selection {
  const names = new Set(requested.map(attributeKey));
  const all = names.size === 0 || names.has('*') || names.has('+');
  return { all, names };
}

function selectAttributes(
  entry: IndexedEntry,
  selection: Selection,
  boundNormDn: string | undefined,
  typesOnly: boolean,
): ResultAttribute[] {
  const out: ResultAttribute[] = [];
  for (const attribute of entry.attributes) {
    if (!selection.all && !selection.names.has(attribute.key)) continue;
    // A password hash is shown to the entry itself and to nobody else.
    if (attribute.key === 'userpassword' && boundNormDn !== entry.normDn) continue;
    out.push({ type: attribute.type, values: typesOnly ? [] : attribute.values });
  }
  return out;
}

/** The root DSE (RFC 4512 §5.1): what this server holds and speaks. */
export function buildRootDse(tree: DirectoryTree): IndexedEntry {
  const attributes = {
    objectClass: ['top'],
    namingContexts: tree.namingContexts.map((e) => e.dn),
    supportedLDAPVersion: ['3'],
    vendorName: ['Mailscope'],
    vendorVersion: ['Mailscope directory (ldapjs)'],
  };
  return indexEntry({ dn: '', attributes }, '', '', undefined, -1);
}
