import type { ServiceProtocol } from '../api/world-spec.js';
import { coversName } from '../core/faults.js';
import type { Restartable } from '../core/tcp-listener.js';

interface SwitchedListener {
  host: string;
  protocol: ServiceProtocol;
  address: string;
  port: number;
  server: Restartable;
  down: boolean;
}

/**
 * The "host down" fault made real: the host's listeners really close, so a client
 * gets connection refused (and open sessions are told 421 or cut), and come back
 * on the same ports when the fault is cleared. Changes run one at a time.
 */
export class HostSwitchboard {
  private readonly listeners: SwitchedListener[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  register(host: string, protocol: ServiceProtocol, address: string, port: number, server: Restartable): void {
    this.listeners.push({ host, protocol, address, port, server, down: false });
  }

  /** Whether some listener of a host covered by `target` can be switched. */
  covers(target: string): boolean {
    return this.listeners.some((l) => coversName(target, l.host));
  }

  /** Takes down (or brings back) every listener of the hosts `target` covers; returns "host protocol" names. */
  setDown(target: string, down: boolean): Promise<string[]> {
    const run = this.chain.then(() => this.apply(target, down));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(target: string, down: boolean): Promise<string[]> {
    const changed: string[] = [];
    for (const listener of this.listeners) {
      if (!coversName(target, listener.host) || listener.down === down) continue;
      if (down) await listener.server.close();
      else await listener.server.listen(listener.port, listener.address);
      listener.down = down;
      changed.push(`${listener.host} ${listener.protocol}`);
    }
    return changed;
  }
}
