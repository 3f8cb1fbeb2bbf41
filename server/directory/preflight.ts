import { BerCursor, decodeInteger, encodeResult, LdapOp } from './ber.js';
import { parseDn } from './dn.js';
import { ResultCode } from './result-codes.js';

/**
 * A look at each complete request before ldapjs parses it, for the cases where
 * ldapjs would drop the connection without a word: a search whose base is not a
 * DN (its parser throws) and a SASL bind (it cannot parse one). Here they get the
 * answer RFC 4511 asks for. It also spots anonymous binds, which ldapjs answers
 * itself without calling our bind handler, so the server can forget who the
 * connection was bound as.
 */
export type PreflightResult =
  | { kind: 'reply'; bytes: Buffer }
  | { kind: 'anonymous-bind' }
  /** Nothing to say: ldapjs handles the message. */
  | undefined;
const SIMPLE_AUTH_TAG = 0x80;

/** Throws when `dn` is not a valid DN (the server passes its cached normalizer). */
export type DnCheck = (dn: string) => unknown;

export function preflight(message: Buffer, checkDn: DnCheck = parseDn): PreflightResult {
  try {
    const fields = new BerCursor(message).nextCursor();
    const messageId = decodeInteger(fields.next().content);
    const op = fields.next();
    if (op.tag === LdapOp.searchRequest) return checkSearchBase(messageId, op.cursor, checkDn);
    if (op.tag === LdapOp.bindRequest) return checkBindMethod(messageId, op.cursor);
  } catch {
    // Malformed beyond what we peek at: ldapjs's parser fails on it and the
    // connection guard answers with a Notice of Disconnection.
  }
  return undefined;
}

function checkSearchBase(messageId: number, request: BerCursor, checkDn: DnCheck): PreflightResult {
  const base = request.nextText();
  try {
    checkDn(base);
    return undefined;
  } catch (err) {
    const bytes = encodeResult({
      messageId,
      responseTag: LdapOp.searchResultDone,
      resultCode: ResultCode.invalidDnSyntax,
      diagnosticMessage: (err as Error).message,
    });
    return { kind: 'reply', bytes };
  }
}

function checkBindMethod(messageId: number, request: BerCursor): PreflightResult {
  request.next(); // version
  const name = request.next().content;
  const auth = request.next();
  if (auth.tag === SIMPLE_AUTH_TAG) {
    return name.length === 0 && auth.content.length === 0 ? { kind: 'anonymous-bind' } : undefined;
  }
  const bytes = encodeResult({
    messageId,
    responseTag: LdapOp.bindResponse,
    resultCode: ResultCode.authMethodNotSupported,
    diagnosticMessage: 'only simple bind is supported',
  });
  return { kind: 'reply', bytes };
}
