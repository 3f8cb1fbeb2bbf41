/**
 * Values of the IMAP command grammar (RFC 3501 §9) as the command reader hands them
 * to command handlers. `text` keeps the source spelling of atoms so that a handler
 * that wants an astring (a mailbox called `NIL`, `[Gmail]/Sent`) can still get it.
 */
export type ImapValue =
  | { type: 'atom'; value: string }
  | { type: 'number'; value: number; text: string }
  | { type: 'string'; value: string }
  | { type: 'literal'; value: Buffer }
  | { type: 'nil' }
  | { type: 'list'; items: ImapValue[] }
  | ImapSection;

/**
 * `name[section]<partial>` as it appears in FETCH: BODY.PEEK[HEADER.FIELDS (From To)]<0.2048>.
 * `spec` holds the tokens between the brackets; `text` the whole source spelling.
 */
export interface ImapSection {
  type: 'section';
  name: string;
  spec: ImapValue[];
  partial?: { offset: number; length?: number };
  text: string;
}

export interface ImapCommand {
  tag: string;
  /** Upper-case command name; for `UID FETCH` the verb is `FETCH` and `uid` is true. */
  verb: string;
  uid: boolean;
  args: ImapValue[];
}

/** A failure of syntax: the server answers `tag BAD <message>`. */
export class ImapSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImapSyntaxError';
  }
}

/** The string value of an astring-ish argument (atom, number, quoted, literal, NIL). */
export function asAString(v: ImapValue | undefined, what = 'argument'): string {
  if (!v) throw new ImapSyntaxError(`Missing ${what}`);
  switch (v.type) {
    case 'atom':
      return v.value;
    case 'number':
      return v.text;
    case 'string':
      return v.value;
    case 'literal':
      return v.value.toString('utf8');
    case 'nil':
      return 'NIL';
    case 'section':
      return v.text;
    case 'list':
      throw new ImapSyntaxError(`Expected a string for ${what}, got a list`);
  }
}

/** An atom-like token's text (atom or number), e.g. a search key name or sequence set. */
export function asAtom(v: ImapValue | undefined, what = 'argument'): string {
  if (v?.type === 'atom') return v.value;
  if (v?.type === 'number') return v.text;
  if (v?.type === 'nil') return 'NIL';
  throw new ImapSyntaxError(`Expected an atom for ${what}`);
}

/** A well-formed command the server must refuse with `tag NO [code] message`. */
export class ImapNoError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ImapNoError';
  }
}
