import libmime from 'libmime';
/**
 * Just enough header handling for the MTA's stages: find the header block, ask
 * whether a field is present, prepend fields. The body is never touched or copied
 * more than once: a message is `Buffer.concat([newFields, raw])`.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** The header block as text (latin1 keeps bytes 1:1), without the blank line. */
export function headerBlock(raw: Buffer): string {
  const end = raw.indexOf(CRLFCRLF);
  const block = end < 0 ? raw : raw.subarray(0, end);
  return block.toString('latin1');
}

export function hasHeader(block: string, name: string): boolean {
  return new RegExp(`^${name}[ \\t]*:`, 'im').test(block);
}

/** First value of a field, unfolded; undefined when absent. */
export function headerValue(block: string, name: string): string | undefined {
  const m = new RegExp(`^${name}[ \\t]*:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(block);
  return m?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

export function prependHeaders(raw: Buffer, fields: string[]): Buffer {
  if (fields.length === 0) return raw;
  return Buffer.concat([Buffer.from(fields.map((f) => `${f}\r\n`).join(''), 'utf8'), raw]);
}

/** RFC 5322 date-time, e.g. "Sat, 28 Nov 2026 13:33:29 +0000". */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** The Subject field, with RFC 2047 encoded words decoded; undefined when there is none. */
export function decodedSubject(raw: Buffer): string | undefined {
  const value = headerValue(headerBlock(raw), 'Subject');
  if (value === undefined) return undefined;
  try {
    return libmime.decodeWords(value.replace(/\r?\n[ \t]+/g, ' ')).slice(0, 200);
  } catch {
    return value.slice(0, 200);
  }
}

/**
 * The queue id the previous MTA of the lab gave this message, from the newest Received
 * field (the first one), when that MTA is one of the lab's: "by HOST (Mailscope) with
 * PROTO id msg_…". Any other sender's Received is ignored.
 */
export function upstreamQueueId(raw: Buffer): string | undefined {
  // The newest Received is the first one; a DKIM-Signature may sit above it.
  const top = /^Received:((?:[^\r\n]|\r?\n[ \t])*)/im.exec(headerBlock(raw));
  if (!top) return undefined;
  return /\bby \S+ \(Mailscope\) with \S+ id (msg_[a-z0-9]+)/.exec(top[1]!.replace(/\r?\n[ \t]+/g, ' '))?.[1];
}
