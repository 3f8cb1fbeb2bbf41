import type { TraceEvent, TraceInput, TraceKind } from '../api/trace.js';
import { worldTimeAt, type ClockState } from '../core/clock.js';
import { FaultMirror } from '../core/faults.js';
import { serveThread } from '../core/host-thread-worker.js';
import { SharedState } from '../core/shared-state.js';
import type { ThreadChannel } from '../core/thread-channel.js';
import type { Tracer } from '../core/tracer.js';
import { DirectoryClient } from '../directory/client.js';
import type { LabResolver, LookupContext } from '../dns/resolver.js';
import { SiteDomains } from './address.js';
import type { MtaListener } from './listener-hooks.js';
import {
  commitOutcome,
  resolveOutcome,
  type CommitAnswer,
  type ListenerThreadInit,
  type ListenRequest,
  type ResolveAnswer,
  type ResolveRequest,
  type SwitchesState,
} from './listener-wire.js';
import { createMtaListeners } from './mta-listeners.js';
import type { ListenerContext } from './mta-context.js';
import type { SmtpServer } from './smtp/server.js';

/**
 * The site MTA's SMTP listeners on a thread of their own: every inbound session —
 * the protocol, the RCPT lookups in the directory, the verdict, the Received field —
 * runs here, beside the queue and the deliveries on the main thread, so a busy MTA
 * uses a second core. The main thread keeps what must be one: the queue (a message is
 * handed over with `commit` and the 250 waits for its fsync), the trace's numbering,
 * the world clock, the fault switches and the DNS resolver with its cache. This
 * thread reads the clock and the switches from shared memory, and sends its trace
 * events as notices, in order, before anything it asks of the main thread.
 */

/** The thread's one MTA host: its two listeners and their directory connection. */
class ListenerHost {
  private readonly directory: DirectoryClient;
  private readonly listeners: Record<MtaListener, SmtpServer>;

  constructor(init: ListenerThreadInit, mainThread: ThreadChannel) {
    const clockState = new SharedState<ClockState>(init.clock);
    const clock = { now: () => worldTimeAt(clockState.read(), Date.now()) };
    const switches = new SharedState<SwitchesState>(init.switches);
    const tracer = new RelayTracer(mainThread, clock);
    this.directory = new DirectoryClient({ ...init.directory, tracer });
    const context: ListenerContext = {
      node: init.node,
      hostname: init.node,
      settings: init.settings,
      siteDomains: new SiteDomains(init.siteDomains),
      tracer,
      clock,
      directory: this.directory,
      resolver: new RelayResolver(mainThread, () => switches.read().dnsGeneration),
      commit: async (session, prepared) =>
        commitOutcome(await mainThread.call<CommitAnswer>('commit', { session, prepared })),
    };
    const faults = new FaultMirror(tracer, () => switches.read().faults);
    this.listeners = createMtaListeners(context, faults, init.tls);
  }

  listen({ listener, port, host }: ListenRequest): Promise<number> {
    return this.listeners[listener].listen(port, host);
  }

  close(listener: MtaListener): Promise<void> {
    return this.listeners[listener].close();
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.listeners).map((server) => server.close()));
    await this.directory.close();
  }
}

let host: ListenerHost | undefined;
const running = () => host ?? fail('the MTA listener thread is not started');

const mainThread: ThreadChannel = serveThread({
  start: (args) => void (host = new ListenerHost(args as ListenerThreadInit, mainThread)),
  listen: (args) => running().listen(args as ListenRequest),
  close: (args) => running().close((args as { listener: MtaListener }).listener),
  stop: () => host?.stop(),
});

function fail(message: string): never {
  throw new Error(message);
}

/**
 * The trace as this thread reports it: each event goes to the main thread's tracer,
 * which numbers and stamps it. Only `emit` makes sense here; nobody subscribes on
 * this side.
 */
class RelayTracer implements Tracer {
  constructor(
    private readonly to: ThreadChannel,
    private readonly time: { now(): number },
  ) {}

  emit<K extends TraceKind>(input: TraceInput<K>): TraceEvent<K> {
    this.to.notify('trace', input);
    // The real seq is given on the main thread; callers here never read it.
    return { seq: 0, at: this.time.now(), ...input } as TraceEvent<K>;
  }

  subscribe(): () => void {
    throw new Error('the listener thread relays its trace; subscribe on the main thread');
  }

  lastSeq(): number {
    return 0;
  }
}

/** The lab's resolver, asked on the main thread, where its cache and the DNS server's attribution are. */
class RelayResolver implements LabResolver {
  constructor(
    private readonly to: ThreadChannel,
    private readonly currentGeneration: () => number | undefined,
  ) {}

  /** The main resolver's: it drops its cache, and so may the verdict's results built on it. */
  get generation(): number | undefined {
    return this.currentGeneration();
  }

  resolveMx(name: string, context: LookupContext) {
    return this.ask<Awaited<ReturnType<LabResolver['resolveMx']>>>({ method: 'resolveMx', name, context });
  }

  resolveA(name: string, context: LookupContext) {
    return this.ask<string[]>({ method: 'resolveA', name, context });
  }

  resolveTxt(name: string, context: LookupContext) {
    return this.ask<string[][]>({ method: 'resolveTxt', name, context });
  }

  reverse(address: string, context: LookupContext) {
    return this.ask<string[]>({ method: 'reverse', name: address, context });
  }

  private async ask<T>(request: ResolveRequest): Promise<T> {
    return resolveOutcome<T>(await this.to.call<ResolveAnswer>('resolve', request));
  }
}
