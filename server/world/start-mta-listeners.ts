import type { HostSpec, ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { WorldTracer } from '../core/tracer.js';
import { MailError } from '../core/mail-error.js';
import { RestartingHostThread } from '../core/restarting-thread.js';
import { SharedState } from '../core/shared-state.js';
import type { DirectoryClientOptions } from '../directory/client.js';
import { commitMessage, type AcceptContext } from '../mta/accept-message.js';
import {
  dnsErrorAnswer,
  refusalOf,
  type CommitAnswer,
  type CommitRequest,
  type ListenerThreadInit,
  type ResolveAnswer,
  type ResolveRequest,
  type SwitchesState,
} from '../mta/listener-wire.js';
import { MTA_LISTENERS } from '../mta/mta-listeners.js';
import type { SmtpHostBasics } from './host-basics.js';
import type { Restartable } from '../core/tcp-listener.js';

export interface StartMtaListenersOptions extends SmtpHostBasics {
  /** The world's own tracer: the thread's events come as text, for it to number (relay). */
  tracer: WorldTracer;
  spec: WorldSpec;
  host: HostSpec;
  /** Where a message the listeners took in is committed and handed to delivery. */
  accept: AcceptContext;
  directory: Omit<DirectoryClientOptions, 'tracer'>;
  listen: (protocol: ServiceProtocol, server: Restartable) => Promise<number | undefined>;
  lifecycle: Lifecycle;
}

/**
 * Starts the site MTA's inbound and submission listeners on their own thread
 * (server/mta/listener-thread.ts; started again if it dies) and serves what they ask
 * of this one: commit a message to the queue, look a name up in the lab's DNS, and
 * number their trace events. The thread reads the world clock and the fault switches
 * from shared memory that this side keeps current.
 */
export async function startMtaListeners(opts: StartMtaListenersOptions): Promise<void> {
  const { clock, tracer, faults, resolver, accept } = opts;
  // Published in shared memory as they change: a command that reaches the thread
  // after a change here (a test's clock step, an instructor's switch) sees it.
  let changes = 0;
  const switchesNow = (): SwitchesState => ({ faults: faults.list(), changes });
  const sharedClock = SharedState.create(clock.state());
  // Room for thousands of switches; a class uses a handful.
  const sharedSwitches = SharedState.create(switchesNow(), 1024 * 1024);
  const stopPublishing = [
    clock.onChange((state) => sharedClock.publish(state)),
    faults.onChange(() => {
      changes++;
      sharedSwitches.publish(switchesNow());
    }),
  ];
  const init: ListenerThreadInit = {
    node: opts.host.name,
    settings: opts.settings,
    siteDomains: opts.spec.site.domains,
    tls: opts.tls,
    clock: sharedClock.buffer,
    switches: sharedSwitches.buffer,
    directory: opts.directory,
  };
  const thread = new RestartingHostThread({
    name: 'MTA listener',
    module: new URL('../mta/listener-thread.ts', import.meta.url),
    init,
    handlers: {
      trace: { json: (text) => tracer.relay(text) },
      async commit(args): Promise<CommitAnswer> {
        const { session, prepared } = args as CommitRequest;
        try {
          return await commitMessage(accept, session, prepared);
        } catch (err) {
          // The queue's own refusals (a full disk) are MailErrors already; anything else is a fault to look into.
          if (!(err instanceof MailError)) console.error(`queueing ${prepared.queueId} failed:`, err);
          return refusalOf(MailError.from(err, 'queue'));
        }
      },
      async resolve(args): Promise<ResolveAnswer> {
        const { method, name, context } = args as ResolveRequest;
        try {
          return { records: await resolver[method](name, context) };
        } catch (err) {
          return dnsErrorAnswer(err);
        }
      },
    },
  });
  await thread.start().catch((err: unknown) => {
    for (const stop of stopPublishing) stop();
    throw err;
  });
  opts.lifecycle.add('MTA listener thread', async () => {
    // The switches were all cleared as the world stops: sessions still draining must see that too.
    sharedSwitches.publish(switchesNow());
    for (const stop of stopPublishing) stop();
    await thread.stop();
  });
  for (const listener of MTA_LISTENERS) await opts.listen(listener, thread.listener(listener));
}
