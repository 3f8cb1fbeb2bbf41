import type { ProxyForward } from '../imap/proxy-id.js';

/**
 * XCLIENT for POP3 (as Dovecot's proxies send it): before USER, a proxy says for
 * whom it speaks: `XCLIENT ADDR=192.0.2.7 PORT=51234 SESSION=mmp-pop3-3 NODE=mmp.siroe.example`.
 * NODE is ours: the proxy's diagram node, so `mailbox.fetched` can be drawn store → MMP.
 */
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
const VALUE = /^[\x21-\x7e]{1,255}$/;

export function xclientLine(forward: ProxyForward): string {
  const pairs = [
    `ADDR=${forward.remoteAddress}`,
    `PORT=${forward.remotePort}`,
    `SESSION=${forward.sessionId}`,
    `NODE=${forward.node}`,
  ].filter((pair) => VALUE.test(pair));
  return `XCLIENT ${pairs.join(' ')}`;
}

/** `KEY=value` words, keys upper-cased; undefined when a word is not of that form. */
export function parseXclient(args: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  for (const word of args.trim().split(/ +/)) {
    const eq = word.indexOf('=');
    if (eq <= 0 || !VALUE.test(word)) return undefined;
    params.set(word.slice(0, eq).toUpperCase(), word.slice(eq + 1));
  }
  return params;
}

export function nodeOf(params: Map<string, string>): string | undefined {
  const node = params.get('NODE');
  return node !== undefined && NODE_NAME.test(node) ? node : undefined;
}
