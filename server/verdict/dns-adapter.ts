import type { DNSResolver } from 'mailauth';
import { DnsLookupError, type LabResolver, type LookupContext } from '../dns/resolver.js';

/**
 * mailauth asks DNS through one function shaped like node:dns `resolve(name, rrtype)`.
 * This adapter answers it from the lab's resolver, so SPF, DKIM and DMARC see the
 * lab's zones (never the machine's DNS), and each lookup says why it was made: the
 * DNS server shows "DKIM key of lab._domainkey.siroe.example" in the event list.
 * Errors keep node:dns codes (DnsLookupError has them), which mailauth reads.
 */
export function mailauthResolver(resolver: LabResolver, base: Omit<LookupContext, 'purpose'>): DNSResolver {
  const lookup = async (name: string, rrtype: string): Promise<unknown> => {
    const type = rrtype.toUpperCase();
    const context: LookupContext = { ...base, purpose: purposeOf(name, type) };
    switch (type) {
      case 'TXT':
        return resolver.resolveTxt(name, context);
      case 'A':
        return resolver.resolveA(name, context);
      case 'MX':
        // node:dns shape ({ exchange, priority }) is also the LabResolver's.
        return resolver.resolveMx(name, context);
      case 'PTR': {
        const address = addressOfPtrName(name);
        if (!address) throw new DnsLookupError('ENOTFOUND', name, type);
        return resolver.reverse(address, context);
      }
      default:
        // The lab's DNS is IPv4-only and the seam has no AAAA: "no such record" is the truth there.
        throw new DnsLookupError('ENODATA', name, type);
    }
  };
  // mailauth's declared type says string arrays; at run time it also takes node:dns MX objects.
  return lookup as DNSResolver;
}

/** Why the verdict step asks, in words for the trace. */
export function purposeOf(name: string, rrtype: string): string {
  const lower = name.toLowerCase();
  if (rrtype === 'TXT' && lower.startsWith('_dmarc.')) return `DMARC policy of ${lower.slice('_dmarc.'.length)}`;
  if (rrtype === 'TXT' && lower.includes('._domainkey.')) return `DKIM key ${lower}`;
  if (rrtype === 'TXT') return `SPF record of ${lower}`;
  return `SPF ${rrtype} check for ${lower}`;
}

/** "4.3.2.1.in-addr.arpa" → "1.2.3.4"; ip6.arpa nibbles → an IPv6 address; else undefined. */
export function addressOfPtrName(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  const v4 = /^((?:\d{1,3}\.){3}\d{1,3})\.in-addr\.arpa$/.exec(lower);
  if (v4) return (v4[1] as string).split('.').reverse().join('.');
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(lower);
  if (!v6) return undefined;
  const nibbles = (v6[1] as string).split('.').filter(Boolean).reverse().join('');
  return (nibbles.match(/.{4}/g) ?? []).join(':');
}
