import { isIPv6 } from 'node:net';

/** Where a part of the lab connects to reach a listener bound to `bindAddress`. */
export function connectAddress(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '::1';
  return bindAddress;
}

/** An address as it appears in a URL: IPv6 literals in brackets. */
export function urlHost(address: string): string {
  return isIPv6(address) ? `[${address}]` : address;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function isLoopback(address: string): boolean {
  return LOOPBACK.test(address);
}

/** Internal listeners (store LMTP) stay on this machine whatever the world's bind address. */
export function internalBindAddress(bindAddress: string): string {
  return isIPv6(bindAddress) ? '::1' : '127.0.0.1';
}
