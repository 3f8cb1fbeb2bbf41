import type { SmtpHostBasics } from './host-basics.js';
import { join } from 'node:path';
import type { HostSpec, WorldSpec } from '../api/world-spec.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { internalBindAddress } from '../core/net-address.js';
import { domainOf } from '../mta/address.js';
import { MessageStore } from '../store/message-store.js';
import type { FinalDeliveryContext } from './final-delivery.js';
import type { SignerFor, SignFunction } from './dkim-keys.js';
import { headerBlock, headerValue } from '../mta/headers.js';
import { PeerMta } from './peer/peer-mta.js';
import type { WorldServices } from './services.js';
import type { StoreHost } from './store-host.js';

export interface StartPeersOptions extends SmtpHostBasics {
  spec: WorldSpec;
  dataDir: string;
  services: WorldServices;
  lifecycle: Lifecycle;
  /** Store hosts already started (the LAN server keeps its mailboxes in one). */
  stores: Map<string, StoreHost>;
  /** A DKIM signer for a domain, when the world signs for it. */
  signerFor?: SignerFor;
}

export interface Peers {
  mtas: Map<string, PeerMta>;
  /** Internet mailboxes, by domain (mx1 and mx2 of example.com share one). */
  internetStores: Map<string, FinalDeliveryContext>;
}

/**
 * The hosts beyond the site MTA: the LAN messaging server, the smarthost and the
 * Internet sites' MX hosts. Each is a real SMTP server with a queue of its own; they
 * find each other through the lab's DNS and listen on loopback ports of their own.
 */
export async function startPeers(opts: StartPeersOptions): Promise<Peers> {
  const { spec, services } = opts;
  const internal = internalBindAddress(opts.settings.bindAddress);
  const siteDomains = spec.site.domains.map((d) => d.name.toLowerCase());
  const smarthost = spec.hosts.find((h) => h.role === 'smarthost')?.name;
  const internetStores = openInternetStores(opts);
  const mtas = new Map<string, PeerMta>();
  const common = {
    settings: opts.settings,
    dataDir: opts.dataDir,
    clock: opts.clock,
    tracer: opts.tracer,
    tls: opts.tls,
    faults: opts.faults,
    resolver: opts.resolver,
    lifecycle: opts.lifecycle,
    smtpPortOf: (host: string) => services.port(host, 'smtp'),
  };
  for (const host of spec.hosts) {
    let peer: PeerMta | undefined;
    if (host.role === 'lan-mta') {
      const domains = spec.site.domains.filter((d) => sameName(d.host, host.name)).map((d) => d.name);
      const store = opts.stores.get(host.name);
      const context = store
        ? { name: host.name, store: store.store, tracer: opts.tracer, clock: opts.clock }
        : undefined;
      peer = new PeerMta({
        ...common,
        host,
        localDomains: domains,
        storeFor: () => context,
        smarthost,
        directDomains: siteDomains,
        relaysForLoopback: false,
      });
    } else if (host.role === 'smarthost') {
      peer = new PeerMta({
        ...common,
        host,
        localDomains: [],
        storeFor: () => undefined,
        relaysForLoopback: true,
        sign: signMailFrom(opts, siteDomains, host.name),
        signRelayed: true,
      });
    } else if (host.role === 'internet-mta') {
      const domains = mxDomainsOf(spec, host);
      peer = new PeerMta({
        ...common,
        host,
        localDomains: domains,
        // example.com's MX hosts share its mailboxes; each delivers under its own name.
        storeFor: (address) => {
          const shared = internetStores.get(domainOf(address));
          return shared && { ...shared, name: host.name };
        },
        relaysForLoopback: false,
        sign: signMailFrom(opts, domains, host.name),
      });
    }
    if (!peer) continue;
    mtas.set(host.name, peer);
    await services.listen(host, 'smtp', peer.listener, internal);
    opts.lifecycle.add(`${host.name} smtp`, () => peer.server.close());
  }
  for (const peer of mtas.values()) peer.scheduler.kick();
  return { mtas, internetStores };
}

/** The domains whose MX records name this host: an Internet MTA takes mail for them. */
export function mxDomainsOf(spec: WorldSpec, host: HostSpec): string[] {
  const domains: string[] = [];
  for (const zone of spec.dns.zones) {
    for (const record of zone.records) {
      if (record.type !== 'MX' || !sameName(record.value, host.name)) continue;
      const owner = record.name === '@' ? zone.origin : `${record.name}.${zone.origin}`;
      if (!domains.includes(owner.toLowerCase())) domains.push(owner.toLowerCase());
    }
  }
  return domains;
}

function openInternetStores(opts: StartPeersOptions): Map<string, FinalDeliveryContext> {
  const stores = new Map<string, FinalDeliveryContext>();
  for (const box of opts.spec.internet.mailboxes) {
    const domain = domainOf(box.address);
    let context = stores.get(domain);
    if (!context) {
      const store = MessageStore.open({
        file: join(opts.dataDir, 'stores', `internet-${domain}.sqlite`),
        host: box.host,
        clock: opts.clock,
      });
      opts.lifecycle.add(`mailboxes of ${domain}`, () => store.close());
      context = { name: box.host, store, tracer: opts.tracer, clock: opts.clock };
      stores.set(domain, context);
    }
    context.store.ensureUser(box.address, box.address.slice(0, box.address.lastIndexOf('@')));
  }
  return stores;
}

/**
 * A host signs the mail it sends for its domains, chosen by the header From's domain:
 * the smarthost for the site's, an Internet MX for its own. Mail it merely receives for
 * its users (From someone else) is left as it came.
 */
function signMailFrom(opts: StartPeersOptions, domains: string[], node: string): SignFunction | undefined {
  if (!opts.signerFor || domains.length === 0) return undefined;
  const signers = new Map(domains.map((d) => [d, opts.signerFor!(d, node)]));
  return async (raw, queueId) => {
    const from = headerValue(headerBlock(raw), 'From') ?? '';
    const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim())?.[1]?.toLowerCase();
    const sign = domain ? signers.get(domain) : undefined;
    return sign ? sign(raw, queueId) : { raw };
  };
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}
