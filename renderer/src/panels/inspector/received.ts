/**
 * `Received:` fields (RFC 5321 §4.4): each hop prepends one, so read bottom-up they
 * are the message's path. The inspector links `by` (the host that wrote the line) to
 * its diagram node and `id` (that host's queue id) to the hop's trace.
 */

export interface ReceivedClauses {
  from?: string;
  by?: string;
  via?: string;
  with?: string;
  id?: string;
  for?: string;
  /** The date after the last ';'. */
  date?: string;
}

/** Removes (comments), which may nest and hold anything (RFC 5322 §3.2.2). */
export function stripComments(text: string): string {
  let depth = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && depth > 0) {
      i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

export function parseReceived(value: string): ReceivedClauses {
  const semicolon = value.lastIndexOf(';');
  const clauses = semicolon >= 0 ? value.slice(0, semicolon) : value;
  const result: ReceivedClauses = {};
  if (semicolon >= 0) {
    const date = value.slice(semicolon + 1).trim();
    if (date) result.date = date;
  }
  const words = stripComments(clauses).split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length - 1; i++) {
    const key = words[i]!.toLowerCase();
    if (key !== 'from' && key !== 'by' && key !== 'via' && key !== 'with' && key !== 'id' && key !== 'for') continue;
    if (result[key] !== undefined) continue;
    result[key] = words[i + 1]!.replace(/^<|>$/g, '');
    i++;
  }
  return result;
}

/** A host name as the diagram names nodes: lower case, no trailing dot, no brackets. */
export function hostKey(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const key = name
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  return key || undefined;
}
