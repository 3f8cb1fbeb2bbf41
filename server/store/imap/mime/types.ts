/**
 * The shapes shared by the IMAP MIME helpers. A MimeNode never copies bytes: it
 * records offsets into the raw message, so BODY[section] can hand out subarrays
 * and sizes are exactly what the client will be sent.
 */

/** A parameter list as it goes on the wire: names lower-cased, RFC 2231 continuations merged. */
export type WireParams = Array<[name: string, value: string]>;

export interface ParamValue {
  /** The value before the first ';' with comments removed, lower-cased (e.g. "text/plain", "attachment"). */
  value: string;
  /** Decoded values by lower-cased base name (RFC 2231 charset applied, `filename*` wins over `filename`). */
  params: Map<string, string>;
  /**
   * What BODYSTRUCTURE shows: continuations merged into one value; an RFC 2231 encoded
   * value keeps its `name*` and its `charset'lang'%XX` form, as Dovecot does, so a client
   * that knows RFC 2231 can still decode it and nothing is lost to a charset guess.
   */
  wire: WireParams;
}

export interface MimeNode {
  /** The raw message this node points into (a reference, never a copy). */
  source: Buffer;
  /** Offset of the first header byte. The header (with its blank line) is [headerStart, bodyStart). */
  headerStart: number;
  /** Offset just past the last header field (before the blank line). */
  headerEnd: number;
  bodyStart: number;
  /** Exclusive. For a multipart child the line break before the next boundary is not in the body (RFC 2046). */
  bodyEnd: number;
  /** Lower-cased media type and subtype, e.g. "text", "plain". */
  type: string;
  subtype: string;
  params: Map<string, string>;
  wireParams: WireParams;
  /** Content-Transfer-Encoding, lower-cased, "7bit" when absent. */
  encoding: string;
  contentId: string | null;
  description: string | null;
  disposition: ParamValue | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  sizeBytes: number;
  /** Lines of the body for text/* and message/rfc822, otherwise null. */
  lines: number | null;
  /** Parts of a multipart, in order. Empty for every other type. */
  children: MimeNode[];
  /** For message/rfc822: the embedded message, parsed as a tree of its own. */
  message: MimeNode | null;
}

/** An IMAP address: (name adl mailbox host); group markers per RFC 3501 7.4.2. */
export type ImapAddress = [name: string | null, adl: string | null, mailbox: string | null, host: string | null];

export interface Envelope {
  date: string | null;
  subject: string | null;
  from: ImapAddress[] | null;
  sender: ImapAddress[] | null;
  replyTo: ImapAddress[] | null;
  to: ImapAddress[] | null;
  cc: ImapAddress[] | null;
  bcc: ImapAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/**
 * A value for the IMAP response writer: every JS string is an IMAP *string* (quoted or
 * literal, the writer picks), a number is a number, null is NIL, an array is a
 * parenthesized list. Nothing in FETCH ENVELOPE/BODY/BODYSTRUCTURE is an atom, so no
 * wrapper type is needed.
 */
export type ImapValue = string | number | null | ImapValue[];
