import { setTimeout as sleep } from 'node:timers/promises';
import { HostThread } from './host-thread.js';
import type { Restartable } from './tcp-listener.js';
import type { ThreadHandlers } from './thread-channel.js';

/** What the main thread asks a listener thread: open `listener` on this address. */
export interface ThreadListenRequest {
  listener: string;
  port: number;
  host: string;
}

/** How long to wait before trying again when the thread would not start (real time: a machine matter). */
const RETRY_AFTER_MS = 1_000;

/**
 * A host thread whose listeners must stay up. If the thread dies (an exception that
 * escaped a session, say), it is started again and the listeners that were open are
 * opened again on the same ports, as Postfix's master starts a dead smtpd again.
 * Clients of the dead thread lose their connection — with nothing acknowledged that
 * was not committed — and the next connection finds the service there.
 *
 * The thread module serves `start` (with `init`), `listen` (a ThreadListenRequest,
 * answering the port), `close` ({ listener }) and `stop`.
 */
export class RestartingHostThread {
  private thread: HostThread | undefined;
  /** Listeners that are open, to open again after a restart. */
  private readonly open = new Map<string, { port: number; host: string }>();
  private restarting: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly opts: {
      /** For messages: "MTA listener". */
      name: string;
      module: URL;
      init: unknown;
      /** What the thread may ask of this one. */
      handlers: ThreadHandlers;
      /** Told after a dead thread runs again with its listeners open (tests wait on it). */
      onRestarted?: () => void;
    },
  ) {}

  async start(): Promise<void> {
    this.thread = await this.spawn();
  }

  listener(name: string): Restartable {
    return {
      listen: async (port, host) => {
        const request: ThreadListenRequest = { listener: name, port, host };
        const bound = await (await this.running()).call<number>('listen', request);
        this.open.set(name, { port: bound, host });
        return bound;
      },
      close: async () => {
        this.open.delete(name);
        await (await this.running()).call('close', { listener: name });
      },
    };
  }

  /** Ask the running thread something (waits while it is being started again). */
  async call<T = unknown>(method: string, args?: unknown): Promise<T> {
    return (await this.running()).call<T>(method, args);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.restarting;
    await this.thread?.close();
  }

  private async running(): Promise<HostThread> {
    await this.restarting;
    if (!this.thread) throw new Error(`the ${this.opts.name} thread is not running`);
    return this.thread;
  }

  private async spawn(): Promise<HostThread> {
    const { thread } = await HostThread.start(this.opts.module, this.opts.init, this.opts.handlers);
    thread.onUnexpectedExit((error) => this.died(error));
    return thread;
  }

  private died(error: Error): void {
    // A thread that dies while being started again is that restart's failure, not a new one.
    if (this.stopping.signal.aborted || this.restarting) return;
    console.error(`the ${this.opts.name} thread stopped (${error.message}); starting it again`);
    this.thread = undefined;
    this.restarting = this.startAgain().finally(() => (this.restarting = undefined));
  }

  private async startAgain(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let thread: HostThread | undefined;
      try {
        thread = await this.spawn();
        for (const [listener, { port, host }] of this.open) {
          await thread.call('listen', { listener, port, host } satisfies ThreadListenRequest);
        }
        this.thread = thread;
        this.opts.onRestarted?.();
        return;
      } catch (err) {
        await thread?.close().catch(() => undefined);
        console.error(`the ${this.opts.name} thread did not start again (${String(err)}); trying again`);
        await sleep(RETRY_AFTER_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }
}
