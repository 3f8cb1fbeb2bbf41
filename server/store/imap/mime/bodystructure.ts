import { envelope, envelopeList } from './envelope.js';
import type { ImapValue, MimeNode, ParamValue, WireParams } from './types.js';

/**
 * BODY (extended = false) and BODYSTRUCTURE (extended = true) as plain values for the
 * response writer (RFC 3501 7.4.2 and the body grammar in section 9). Strings are IMAP
 * strings, null is NIL, arrays are lists; see ImapValue. Media types, subtypes, the
 * encoding and parameter names are upper-cased as in the RFC's examples, because some
 * old clients compare them case-sensitively; parameter values are sent as written.
 */
export function bodyStructure(node: MimeNode, extended: boolean): ImapValue[] {
  if (node.type === 'multipart' && node.children.length > 0) return multipart(node, extended);
  return singlePart(node, extended);
}

function multipart(node: MimeNode, extended: boolean): ImapValue[] {
  const out: ImapValue[] = node.children.map((child) => bodyStructure(child, extended));
  out.push(node.subtype.toUpperCase());
  // body-ext-mpart: param-list [dsp [lang [loc]]]
  if (extended) out.push(paramList(node.wireParams), disposition(node.disposition), language(node), node.location);
  return out;
}

function singlePart(node: MimeNode, extended: boolean): ImapValue[] {
  const out: ImapValue[] = [
    node.type.toUpperCase(),
    node.subtype.toUpperCase(),
    paramList(node.wireParams),
    node.contentId,
    node.description,
    node.encoding.toUpperCase(),
    node.sizeBytes,
  ];
  if (node.type === 'message' && node.subtype === 'rfc822' && node.message) {
    const inner = node.message;
    const header = inner.source.subarray(inner.headerStart, inner.bodyStart);
    out.push(envelopeList(envelope(header)), bodyStructure(inner, extended), node.lines ?? 0);
  } else if (node.type === 'text') {
    out.push(node.lines ?? 0);
  }
  // body-ext-1part: md5 [dsp [lang [loc]]]
  if (extended) out.push(node.md5, disposition(node.disposition), language(node), node.location);
  return out;
}

function paramList(params: WireParams): ImapValue {
  if (params.length === 0) return null;
  return params.flatMap(([name, value]) => [name.toUpperCase(), value]);
}

function disposition(d: ParamValue | null): ImapValue {
  return d ? [d.value.toUpperCase(), paramList(d.wire)] : null;
}

/** One tag as a string, several as a list (body-fld-lang). */
function language(node: MimeNode): ImapValue {
  if (!node.language) return null;
  return node.language.length === 1 ? node.language[0]! : [...node.language];
}
