import type { WorldSettings } from '../api/world-spec.js';
import type { Clock } from '../core/clock.js';
import type { FaultSwitches } from '../core/faults.js';
import type { TlsMaterial } from '../core/tls-cert.js';
import type { Tracer } from '../core/tracer.js';
import type { LabResolver } from '../dns/resolver.js';

/** What every part of a world is started with: its settings, the world clock, the trace and the TLS material. */
export interface WorldBasics {
  settings: WorldSettings;
  clock: Clock;
  tracer: Tracer;
  tls: TlsMaterial;
}

/** A host that speaks SMTP also answers to the fault switches and finds other hosts in the lab's DNS. */
export interface SmtpHostBasics extends WorldBasics {
  faults: FaultSwitches;
  resolver: LabResolver;
}
