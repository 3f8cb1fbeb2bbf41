import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import { FaultSwitches } from '../core/faults.js';
import { type ClockMode, WorldClock } from '../core/clock.js';
import { Lifecycle } from '../core/lifecycle.js';
import { connectAddress, internalBindAddress, urlHost } from '../core/net-address.js';
import { loadOrCreateCertificate, type TlsMaterial } from '../core/tls-cert.js';
import { TraceLog } from '../core/trace-log.js';
import { WorldTracer } from '../core/tracer.js';
import { DirectoryClient } from '../directory/client.js';
import type { DirectoryThreadInit } from '../directory/directory-thread.js';
import { HostThread } from '../core/host-thread.js';
import { ControlServer } from '../http/control-server.js';
import { loadOrCreateToken } from '../http/token.js';
import { QueueStore } from '../queue/queue-store.js';
import { createControlFacade } from './control-facade.js';
import { startMta } from './start-mta.js';
import { startMmp } from './start-mmp.js';
import { startStoreHost } from './start-store.js';
import type { StoreHost } from './store-host.js';
import { World } from './world.js';
import { WorldServices } from './services.js';
import { startDns, type WorldDns } from './start-dns.js';
import { startPeers } from './start-peers.js';
import { startDkim } from './dkim-keys.js';

export interface WorldOptions {
  /** Where the queue, the stores, the trace, the certificate and the control token live. */
  dataDir: string;
  clock?: ClockMode;
  /** Overrides settings.bindAddress of the spec. */
  bindAddress?: string;
  /** Built renderer to serve on the web port, if any. */
  staticDir?: string;
  /**
   * Where the DKIM keys are kept (default: the data dir). Tests share one folder so
   * that a hundred short-lived worlds do not each make five RSA keys.
   */
  keysDir?: string;
}

/**
 * The composition root: builds every part of a world from its spec and starts it.
 * Nothing here is global — tests create many worlds in one process, each with its
 * own data dir and (with port 0 in the spec) its own ephemeral ports.
 */
export async function createWorld(spec: WorldSpec, options: WorldOptions): Promise<World> {
  const lifecycle = new Lifecycle();
  try {
    return await startWorld(spec, options, lifecycle);
  } catch (err) {
    await lifecycle.closeAll().catch(() => undefined);
    throw err;
  }
}

async function startWorld(spec: WorldSpec, options: WorldOptions, lifecycle: Lifecycle): Promise<World> {
  const bindAddress = options.bindAddress ?? spec.settings.bindAddress;
  const settings = { ...spec.settings, bindAddress };
  mkdirSync(join(options.dataDir, 'stores'), { recursive: true });
  mkdirSync(join(options.dataDir, 'hosts'), { recursive: true });

  const clock = new WorldClock(options.clock ?? { kind: 'real' });
  lifecycle.add('clock', () => clock.close());
  const services = new WorldServices(bindAddress);
  const listen = services.listen.bind(services);

  // Directory first: everything else looks things up in it. Its thread boots while
  // the trace log's does (each takes a few hundred ms to load its code).
  const directoryHost = spec.hosts.find((h) => h.role === 'directory')!;
  const service = {
    dn: `uid=mailsrv,ou=Services,${spec.site.baseDn}`,
    password: randomBytes(18).toString('base64url'),
  };
  let directoryThread: HostThread | undefined;
  const directoryStarted = services.listen(directoryHost, 'ldap', async (port) => {
    const init: DirectoryThreadInit = {
      options: { spec, node: directoryHost.name, serviceCredentials: service },
      port,
      host: bindAddress,
    };
    const { thread, started } = await HostThread.start(
      new URL('../directory/directory-thread.ts', import.meta.url),
      init,
    );
    lifecycle.add('directory server', () => thread.close());
    directoryThread = thread;
    return started as number;
  });
  let traceLog: TraceLog;
  let tracer: WorldTracer;
  let tls: TlsMaterial;
  let faults: FaultSwitches;
  let dns: WorldDns;
  try {
    traceLog = await TraceLog.open(join(options.dataDir, 'trace.sqlite'));
    lifecycle.add('trace log', () => traceLog.close());
    tracer = new WorldTracer(clock, traceLog, traceLog.lastSeq());
    tls = await loadOrCreateCertificate(
      options.dataDir,
      spec.hosts.map((h) => h.name),
    );
    faults = new FaultSwitches({ tracer, node: webNodeOf(spec), now: () => clock.now() });
    dns = await startDns({ spec, bindAddress, tracer, clock, faults, services, lifecycle });
  } catch (err) {
    // Let the directory thread finish starting, so the lifecycle closes it too.
    await directoryStarted.catch(() => undefined);
    throw err;
  }
  const ldapPort = await directoryStarted;
  const directoryOptionsFor = (callerNode: string) => ({
    url: `ldap://${urlHost(connectAddress(bindAddress))}:${ldapPort}`,
    baseDn: spec.site.baseDn,
    service,
    callerNode,
    directoryNode: directoryHost.name,
  });
  const directoryFor = (callerNode: string) => new DirectoryClient({ ...directoryOptionsFor(callerNode), tracer });

  const stores = new Map<string, StoreHost>();
  // The LAN messaging server keeps its users' mailboxes in a store of its own.
  for (const host of spec.hosts.filter((h) => h.role === 'store' || h.role === 'lan-mta')) {
    const directory = directoryFor(host.name);
    lifecycle.add(`${host.name} directory client`, () => directory.close());
    const storeOptions = { spec, settings, dataDir: options.dataDir, clock, tracer, tls, lifecycle, directory, listen };
    stores.set(host.name, await startStoreHost(host, storeOptions));
  }

  const queue = QueueStore.open({ file: join(options.dataDir, 'queue.sqlite'), clock });
  lifecycle.add('queue', () => queue.close());
  queue.recover();

  const mtaHost = spec.hosts.find((h) => h.role === 'mta')!;
  const mtaDirectory = directoryFor(mtaHost.name);
  lifecycle.add('MTA directory client', () => mtaDirectory.close());
  const peers = await startPeers({
    spec,
    settings,
    dataDir: options.dataDir,
    clock,
    tracer,
    tls,
    faults,
    resolver: dns.resolver,
    services,
    lifecycle,
    stores,
    signerFor: await startDkim({ spec, dataDir: options.keysDir ?? options.dataDir, zones: dns.zones, tracer }),
  });
  const lookupPort = (host: string, protocol: ServiceProtocol) => services.port(host, protocol);
  const mta = await startMta({
    spec,
    settings,
    host: mtaHost,
    clock,
    tracer,
    queue,
    directory: mtaDirectory,
    directoryOptions: directoryOptionsFor(mtaHost.name),
    tls,
    faults,
    resolver: dns.resolver,
    lmtpAddress: (host) => {
      const port = lookupPort(host, 'lmtp');
      return port === undefined ? undefined : { host: internalBindAddress(bindAddress), port };
    },
    smtpPortOf: (host) => lookupPort(host, 'smtp'),
    listen: (protocol, server) => listen(mtaHost, protocol, server),
    lifecycle,
  });

  const world = new World({
    spec: { ...spec, settings },
    dataDir: options.dataDir,
    clock,
    tracer,
    traceLog,
    queue,
    stores,
    services,
    faults,
    peers,
    zones: dns.zones,
    directoryThread,
    mta,
    lifecycle,
  });
  for (const host of spec.hosts.filter((h) => h.role === 'mmp')) {
    const directory = directoryFor(host.name);
    lifecycle.add(`${host.name} directory client`, () => directory.close());
    await startMmp(host, { settings, tracer, tls, lifecycle, directory, backendPort: lookupPort, listen });
  }

  const webHost = spec.hosts.find((h) => h.role === 'web');
  if (webHost) {
    const token = loadOrCreateToken(options.dataDir);
    const control = new ControlServer({
      facade: createControlFacade(world),
      token,
      bindAddress,
      node: webHost.name,
      staticDir: options.staticDir,
    });
    await listen(webHost, 'http', (port) => control.listen(port));
    lifecycle.add('control server', () => control.close());
    world.controlUrl = control.url();
    world.controlToken = token;
  }
  tracer.emit({ kind: 'world.started', node: mtaHost.name, data: { name: spec.name } });
  mta.scheduler.kick();
  faults.onChange((change) => world.applyFault(change));
  return world;
}

/** Fault switches are the instructor's: their events sit on the web host's node (or the MTA's). */
function webNodeOf(spec: WorldSpec): string {
  return (spec.hosts.find((h) => h.role === 'web') ?? spec.hosts.find((h) => h.role === 'mta'))!.name;
}
