import type { DnsZoneSpec } from '../api/world-spec.js';
import type { FaultSwitches } from '../core/faults.js';
import type { Tracer } from '../core/tracer.js';
import type { QueryAttribution } from './attribution.js';
import { DnsServer } from './server.js';
import { ZoneTable } from './zones.js';

export { QueryAttribution } from './attribution.js';
export { LabDnsResolver, type LabDnsResolverOptions } from './client.js';
export { DnsServer, type DnsServerOptions } from './server.js';
export { ZoneTable, type ZoneTableOptions } from './zones.js';

export interface StartDnsOptions {
  zones: DnsZoneSpec[];
  /** The world's DNS host name: MNAME of every SOA, NS of every zone. */
  nsHost: string;
  /** Published as nsHost's A/AAAA record when the spec gives it none. */
  nsAddress?: string;
  /** Node id for the trace; usually the same as nsHost. */
  node: string;
  tracer: Tracer;
  faults?: FaultSwitches;
  attribution?: QueryAttribution;
  tcpIdleMs?: number;
}

/**
 * Build the lab's DNS server from the world's zones. It is not listening yet: call
 * `listen(port, host)` (one port number for UDP and TCP) and `close()` at the end.
 */
export function startDnsServer(opts: StartDnsOptions): DnsServer {
  const zones = new ZoneTable({ zones: opts.zones, nsHost: opts.nsHost, nsAddress: opts.nsAddress });
  return new DnsServer({
    zones,
    node: opts.node,
    tracer: opts.tracer,
    faults: opts.faults,
    attribution: opts.attribution,
    tcpIdleMs: opts.tcpIdleMs,
  });
}
