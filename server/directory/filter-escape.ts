/**
 * RFC 4515 §3 value escaping: a value put into a filter string must not be able to
 * change the filter. `*)(uid=*` turns into `\2a\29\28uid=\2a`, a literal that
 * matches nothing, instead of widening the search to every entry.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
