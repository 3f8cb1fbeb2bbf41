import type { WorldSpec } from '../api/world-spec.js';
import type { FaultSwitches } from '../core/faults.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { connectAddress } from '../core/net-address.js';
import type { Tracer } from '../core/tracer.js';
import { QueryAttribution } from '../dns/attribution.js';
import { LabDnsResolver } from '../dns/client.js';
import { CachingResolver } from '../dns/caching-resolver.js';
import type { Clock } from '../core/clock.js';
import { DnsLookupError, type LabResolver } from '../dns/resolver.js';
import { startDnsServer } from '../dns/index.js';
import type { ZoneTable } from '../dns/zones.js';
import type { WorldServices } from './services.js';

export interface WorldDns {
  /** What every part of the world resolves with: the lab's own DNS server, never the machine's. */
  resolver: LabResolver;
  /** The zones being served, for the UI and for records published at start (DKIM keys). */
  zones?: ZoneTable;
}

/**
 * The lab's authoritative DNS server for the world's zones, and the resolver that
 * asks it. A world without a DNS host still gets a resolver: one that answers
 * SERVFAIL for everything, so mail for other domains waits in the queue, saying why.
 */
export async function startDns(opts: {
  spec: WorldSpec;
  bindAddress: string;
  tracer: Tracer;
  clock: Clock;
  faults: FaultSwitches;
  services: WorldServices;
  lifecycle: Lifecycle;
}): Promise<WorldDns> {
  const host = opts.spec.hosts.find((h) => h.role === 'dns' && h.services.some((s) => s.protocol === 'dns'));
  if (!host) return { resolver: noDns };
  const attribution = new QueryAttribution();
  const server = startDnsServer({
    zones: opts.spec.dns.zones,
    nsHost: host.name,
    nsAddress: connectAddress(opts.bindAddress),
    node: host.name,
    tracer: opts.tracer,
    faults: opts.faults,
    attribution,
  });
  const port = await opts.services.listen(host, 'dns', (p) => server.listen(p, opts.bindAddress));
  opts.lifecycle.add('DNS server', () => server.close());
  const stub = new LabDnsResolver({ address: connectAddress(opts.bindAddress), port: port!, attribution });
  const resolver = new CachingResolver(stub, opts.clock);
  opts.faults.onChange(() => resolver.clear());
  return { resolver, zones: server.zones };
}

const servfail = (name: string, type: string) => Promise.reject(new DnsLookupError('ESERVFAIL', name, type));

const noDns: LabResolver = {
  resolveMx: (name) => servfail(name, 'MX'),
  resolveA: (name) => servfail(name, 'A'),
  resolveTxt: (name) => servfail(name, 'TXT'),
  reverse: (address) => servfail(address, 'PTR'),
};
