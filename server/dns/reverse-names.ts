import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Bytes } from './rdata.js';

/**
 * Addresses as names in the reverse trees: 127.0.0.1 → 1.0.0.127.in-addr.arpa
 * (RFC 1035 §3.5), ::1 → 1.0.0.…0.ip6.arpa, one label per nibble (RFC 3596 §2.5).
 * An IPv4-mapped IPv6 address (::ffff:127.0.0.1, what a dual-stack socket reports)
 * is looked up as the IPv4 address it is.
 */
export const IN_ADDR_ARPA = 'in-addr.arpa';
export const IP6_ARPA = 'ip6.arpa';

export function reverseName(address: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped ? mapped[1]! : address;
  if (isIPv4(v4)) return `${v4.split('.').reverse().join('.')}.${IN_ADDR_ARPA}`;
  if (!isIPv6(address)) return undefined;
  const nibbles = ipv6Bytes(address).toString('hex').split('');
  return `${nibbles.reverse().join('.')}.${IP6_ARPA}`;
}
