import type { LinkView, WorldView } from '../api/world-view.js';
import type { HostSpec, ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import { formatClockMode, type Clock } from '../core/clock.js';
import type { ServiceBinding } from './world.js';

/**
 * The diagram's edges, derived from the roles of the hosts: who talks to whom in
 * the classic architecture, and in which protocol.
 */
export function worldLinks(hosts: HostSpec[]): LinkView[] {
  const byRole = (role: HostSpec['role']) => hosts.filter((h) => h.role === role).map((h) => h.name);
  const links: LinkView[] = [];
  const add = (from: string[], to: string[], protocol: ServiceProtocol) => {
    for (const f of from) for (const t of to) links.push({ from: f, to: t, protocol });
  };
  const mta = byRole('mta');
  const directory = byRole('directory');
  const stores = byRole('store');
  const mmp = byRole('mmp');
  add(mta, directory, 'ldap');
  add(mta, stores, 'lmtp');
  add(mta, byRole('lan-mta'), 'smtp');
  add(mta, byRole('smarthost'), 'smtp');
  add(byRole('smarthost'), byRole('internet-mta'), 'smtp');
  add(byRole('smarthost'), byRole('dns'), 'dns');
  add(mmp, directory, 'ldap');
  add(mmp, stores, 'imap');
  add(mmp, stores, 'pop3');
  return links;
}

export function buildWorldView(spec: WorldSpec, bindings: ServiceBinding[], clock: Clock): WorldView {
  return {
    name: spec.name,
    clock: { mode: formatClockMode(clock.mode()), now: clock.now() },
    hosts: spec.hosts.map((h) => ({
      name: h.name,
      role: h.role,
      label: h.label,
      // Only what really listens: a service of a part not started in this world is left out.
      services: bindings
        .filter((b) => b.host === h.name)
        .map((b) => ({ protocol: b.protocol, port: b.port, address: b.address })),
    })),
    links: worldLinks(spec.hosts),
  };
}
