import type { HostSpec, ServiceProtocol } from '../api/world-spec.js';
import { listenOrExplain } from '../core/lifecycle.js';
import type { Restartable } from '../core/tcp-listener.js';
import { HostSwitchboard } from './switchboard.js';

export interface ServiceBinding {
  host: string;
  protocol: ServiceProtocol;
  address: string;
  port: number;
}

/** How a service is started: a listener the world may also stop and restart, or a one-way start. */
export type ServiceStarter = Restartable | ((port: number) => Promise<number>);

/**
 * Every listening service of a world: started from the spec's port (0 = ephemeral),
 * recorded with its real port for `serve`'s table, the UI and the channels, and —
 * when it can be restarted — registered with the switchboard for "host down" faults.
 */
export class WorldServices {
  readonly bindings: ServiceBinding[] = [];
  readonly switchboard = new HostSwitchboard();

  constructor(private readonly bindAddress: string) {}

  /** Starts the host's `protocol` service if the spec lists one; resolves to its real port. */
  async listen(
    host: HostSpec,
    protocol: ServiceProtocol,
    starter: ServiceStarter,
    address = this.bindAddress,
  ): Promise<number | undefined> {
    const service = host.services.find((s) => s.protocol === protocol);
    if (!service) return undefined;
    const start = typeof starter === 'function' ? starter : (p: number) => starter.listen(p, address);
    const port = await listenOrExplain(`${host.name} ${protocol}`, service.port, () => start(service.port));
    this.bindings.push({ host: host.name, protocol, address, port });
    if (typeof starter !== 'function') this.switchboard.register(host.name, protocol, address, port, starter);
    return port;
  }

  port(host: string, protocol: ServiceProtocol): number | undefined {
    const name = host.toLowerCase();
    return this.bindings.find((b) => b.host.toLowerCase() === name && b.protocol === protocol)?.port;
  }
}
