/** Small helpers for envelope addresses. Comparison is case-insensitive on the domain
 * and, in this lab, on the local part too (as the directory compares mail attributes). */

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The domains this site accepts mail for, mapped to the host that holds each. */
export class SiteDomains {
  private readonly hostByDomain: Map<string, string>;

  constructor(domains: Array<{ name: string; host: string }>) {
    this.hostByDomain = new Map(domains.map((d) => [d.name.toLowerCase(), d.host]));
  }

  isLocal(address: string): boolean {
    return this.hostByDomain.has(domainOf(address));
  }

  hostFor(address: string): string | undefined {
    return this.hostByDomain.get(domainOf(address));
  }
}
