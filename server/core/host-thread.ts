import { Worker } from 'node:worker_threads';

/**
 * A host of the world running on its own thread (a directory server is its own
 * machine in the architecture being taught; here it is at least its own core).
 * The main thread talks to it with request/response messages; the thread module
 * answers them with `serveThread` (host-thread-worker.ts).
 */
interface Reply {
  id: number;
  result?: unknown;
  error?: string;
  /** errno-style code (EADDRINUSE, ...) of the thread's error, kept for callers that explain it. */
  code?: string;
}

export class HostThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else waiter.resolve(reply.result);
    });
    const failAll = (error: Error) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', (err) => failAll(err));
    worker.on('exit', (code) => failAll(new Error(`host thread exited with code ${code}`)));
  }

  /** Start the thread running `module` (a file URL); `init` is passed to its `start` handler. */
  static async start(module: URL, init: unknown): Promise<{ thread: HostThread; started: unknown }> {
    const worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData: { module: module.href } });
    const thread = new HostThread(worker);
    try {
      const started = await thread.call('start', init);
      return { thread, started };
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  }

  call<T = unknown>(method: string, args?: unknown): Promise<T> {
    if (this.exited) return Promise.reject(new Error('host thread is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  /** Ask the thread to stop its servers, then end it. */
  async close(): Promise<void> {
    if (this.exited) return;
    try {
      await this.call('stop');
    } finally {
      await this.worker.terminate();
    }
  }
}
