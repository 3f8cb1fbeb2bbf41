import { worldTimeAt, type ClockState } from '../core/clock.js';
import { FaultMirror } from '../core/faults.js';
import { serveThread } from '../core/host-thread-worker.js';
import { SharedState } from '../core/shared-state.js';
import type { ThreadChannel } from '../core/thread-channel.js';
import { DirectoryClient } from '../directory/client.js';
import { SiteDomains } from './address.js';
import type { MtaListener } from './listener-hooks.js';
import { RelayResolver, RelayTracer } from './listener-relays.js';
import {
  commitOutcome,
  type CommitAnswer,
  type ListenerThreadInit,
  type ListenRequest,
  type SwitchesState,
} from './listener-wire.js';
import type { ListenerContext } from './listener-context.js';
import { createMtaListeners } from './mta-listeners.js';
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
    const tracer = new RelayTracer(mainThread);
    this.directory = new DirectoryClient({ ...init.directory, tracer });
    const context: ListenerContext = {
      node: init.node,
      settings: init.settings,
      siteDomains: new SiteDomains(init.siteDomains),
      tracer,
      clock,
      directory: this.directory,
      resolver: new RelayResolver(mainThread, () => switches.read().changes),
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

/** Entry point (thread-boot.mjs): serve the main thread's requests for this thread's one host. */
export function runThread(): void {
  let host: ListenerHost | undefined;
  const running = (): ListenerHost => {
    if (!host) throw new Error('the MTA listener thread is not started');
    return host;
  };
  const mainThread: ThreadChannel = serveThread({
    start(args) {
      host = new ListenerHost(args as ListenerThreadInit, mainThread);
    },
    listen: (args) => running().listen(args as ListenRequest),
    close: (args) => running().close((args as { listener: MtaListener }).listener),
    stop: () => host?.stop(),
  });
}
