/**
 * Nodes of the diagram that are not hosts of the world spec: the parts of the MTA the
 * architecture teaches (disk queue, verdict engine, router) and the people's side (mail
 * clients, senders on the Internet). Their ids start with '@' so they never clash with
 * a host name. The trace names the MTA host for all three MTA parts; hops.ts decides
 * which part an event belongs to.
 */
export const QUEUE_NODE = '@queue';
export const VERDICT_NODE = '@verdict';
export const ROUTER_NODE = '@router';
/** Stands for "a mail client on this machine" when there is no per-user client node. */
export const LOCAL_CLIENT_NODE = '@client';
/** Senders on the Internet handing mail to the site's MX (inbound SMTP). */
export const INTERNET_NODE = '@internet';

const CLIENT_PREFIX = '@client:';

/** The client node of one site user (an address). */
export function clientNodeId(address: string): string {
  return `${CLIENT_PREFIX}${address.toLowerCase()}`;
}

export function isClientNode(id: string): boolean {
  return id === LOCAL_CLIENT_NODE || id.startsWith(CLIENT_PREFIX);
}

export function isLogicalNode(id: string): boolean {
  return id.startsWith('@');
}
