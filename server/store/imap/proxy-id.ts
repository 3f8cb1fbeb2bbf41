import { ImapSyntaxError, type ImapValue } from './syntax/types.js';

/**
 * How a proxy (the MMP) tells a store host's back end who it is and for whom it
 * speaks: RFC 2971 ID fields sent before LOGIN, as Dovecot's proxies do with
 * x-originating-ip / x-originating-port / x-session-ext-id. `x-proxy-node` is ours:
 * the proxy's name on the diagram, so the store can draw store → MMP → client.
 */
export interface ProxyForward {
  /** The proxy's diagram node, e.g. mmp.siroe.example. */
  node: string;
  /** The proxy's own session id for this client. */
  sessionId: string;
  /** The client as the proxy sees it. */
  remoteAddress: string;
  remotePort: number;
}

export const ID_FIELDS = {
  node: 'x-proxy-node',
  sessionId: 'x-session-ext-id',
  remoteAddress: 'x-originating-ip',
  remotePort: 'x-originating-port',
} as const;

/** RFC 2971 §3.3: at most 30 field-value pairs. */
const MAX_PAIRS = 30;
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

/** The ID parameter list `("k" "v" ...)` a proxy sends (values are plain ASCII). */
export function proxyIdList(forward: ProxyForward): string {
  const pairs: Array<[string, string]> = [
    [ID_FIELDS.node, forward.node],
    [ID_FIELDS.sessionId, forward.sessionId],
    [ID_FIELDS.remoteAddress, forward.remoteAddress],
    [ID_FIELDS.remotePort, String(forward.remotePort)],
  ];
  const quote = (text: string) => `"${text.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `(${pairs.map(([k, v]) => `${quote(k)} ${quote(v)}`).join(' ')})`;
}

/** The ID command's argument: NIL or a list of string pairs; field names lower-cased. */
export function parseIdParams(value: ImapValue | undefined): Map<string, string> {
  const params = new Map<string, string>();
  if (!value || value.type === 'nil') return params;
  if (value.type !== 'list' || value.items.length % 2 !== 0 || value.items.length > 2 * MAX_PAIRS) {
    throw new ImapSyntaxError('ID takes NIL or a list of field-value pairs');
  }
  for (let i = 0; i < value.items.length; i += 2) {
    const key = value.items[i]!;
    const val = value.items[i + 1]!;
    if (key.type !== 'string' && key.type !== 'literal') throw new ImapSyntaxError('ID field names are strings');
    const text = val.type === 'string' ? val.value : val.type === 'literal' ? val.value.toString('utf8') : undefined;
    if (text !== undefined) params.set(keyText(key), text);
  }
  return params;
}

function keyText(key: Extract<ImapValue, { type: 'string' | 'literal' }>): string {
  return (key.type === 'string' ? key.value : key.value.toString('utf8')).toLowerCase();
}

/** The proxy node named in ID params, when it looks like a host name. */
export function proxyNodeOf(params: Map<string, string>): string | undefined {
  const node = params.get(ID_FIELDS.node);
  return node !== undefined && NODE_NAME.test(node) ? node : undefined;
}
