import type { DirectoryView, DnsZoneView, MailboxSummaryView } from '../api/world-view.js';
import { rdataText } from '../dns/presentation.js';
import { typeName } from '../dns/types.js';
import type { MessageStore } from '../store/message-store.js';
import type { World } from './world.js';

/** What the UI's Directory, DNS and Stores panels show: read from the running world, never from a copy. */
export function directoryView(world: World): DirectoryView {
  const statusFaults = new Map(
    world.faults.list().flatMap((f) => (f.kind === 'user' ? [[f.target.toLowerCase(), f.status] as const] : [])),
  );
  return {
    baseDn: world.spec.site.baseDn,
    users: world.spec.users.map((u) => ({
      uid: u.uid,
      cn: u.cn,
      mail: u.mail,
      alternateAddresses: u.alternateAddresses ?? [],
      mailHost: u.mailHost,
      status: statusFaults.get(u.mail.toLowerCase()) ?? u.status ?? 'active',
      deliveryOptions: u.deliveryOptions ?? ['mailbox'],
      forwardingAddresses: u.forwardingAddresses ?? [],
    })),
    groups: world.spec.groups.map((g) => ({ cn: g.cn, mail: g.mail, members: g.members })),
  };
}

export function dnsView(world: World): DnsZoneView[] {
  const zones = world.zones;
  if (!zones) return [];
  return zones.origins().map((origin) => ({
    origin,
    records: (zones.zoneFor(origin)?.records() ?? []).map((rr) => ({
      name: rr.name,
      type: typeName(rr.type),
      ttl: rr.ttl,
      value: rdataText(rr.data),
    })),
  }));
}

export function mailboxesView(world: World): MailboxSummaryView[] {
  const site = world.spec.users.map((u) => summary(world.storeFor(u.mail), u.mail, u.mailHost, 'site'));
  const internet = world.spec.internet.mailboxes.map((b) =>
    summary(world.storeFor(b.address), b.address, b.host, 'internet'),
  );
  return [...site, ...internet].filter((m): m is MailboxSummaryView => m !== undefined);
}

function summary(
  store: MessageStore | undefined,
  address: string,
  host: string,
  kind: MailboxSummaryView['kind'],
): MailboxSummaryView | undefined {
  if (!store?.hasUser(address)) return undefined;
  const folders = store.listFolders(address).map((f) => ({ name: f.name, messages: f.messages, unseen: f.unseen }));
  return { address, host, kind, folders };
}
