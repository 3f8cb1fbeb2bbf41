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
  const lan = byRole('lan-mta');
  const internet = byRole('internet-mta');
  const dns = byRole('dns');
  add(mta, directory, 'ldap');
  add(mta, stores, 'lmtp');
  add(mta, lan, 'smtp');
  add(mta, byRole('smarthost'), 'smtp');
  add(byRole('smarthost'), internet, 'smtp');
  // Every MTA asks the lab's DNS: the smarthost and Internet hosts for MX records, the
  // site MTA for SPF/DKIM/DMARC of inbound mail.
  add([...mta, ...byRole('smarthost'), ...lan, ...internet], dns, 'dns');
  add(mmp, directory, 'ldap');
  // The MMP reaches every mailbox back end: the stores and the LAN server's.
  add(mmp, [...stores, ...lan], 'imap');
  add(mmp, [...stores, ...lan], 'pop3');
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
