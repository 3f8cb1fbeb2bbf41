import { Worker } from 'node:worker_threads';
import { ThreadChannel, type ThreadHandlers } from './thread-channel.js';

/**
 * A host of the world running on its own thread (a directory server is its own
 * machine in the architecture being taught; here it is at least its own core).
 * The main thread calls the thread's handlers (`serveThread`, host-thread-worker.ts)
 * through `call`, and answers the thread's own calls with the handlers given to `start`.
 */
export class HostThread {
  private exited = false;
  private closing = false;
  private unexpectedExit?: (error: Error) => void;

  private constructor(
    private readonly worker: Worker,
    private readonly channel: ThreadChannel,
  ) {
    const failAll = (error: Error) => {
      if (this.exited) return; // 'error' comes before its 'exit'
      this.exited = true;
      channel.close(error);
      if (!this.closing) this.unexpectedExit?.(error);
    };
    worker.on('error', (err) => failAll(err));
    worker.on('exit', (code) => failAll(new Error(`host thread exited with code ${code}`)));
  }

  /** Called once if the thread ends without being closed (an exception nobody caught there). */
  onUnexpectedExit(listener: (error: Error) => void): void {
    this.unexpectedExit = listener;
  }

  /**
   * Start the thread running `module` (a file URL); `init` is passed to its `start`
   * handler. `handlers` answer what the thread asks of the main thread.
   */
  static async start(
    module: URL,
    init: unknown,
    handlers: ThreadHandlers = {},
  ): Promise<{ thread: HostThread; started: unknown }> {
    const worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData: { module: module.href } });
    const thread = new HostThread(worker, new ThreadChannel(worker, handlers));
    try {
      const started = await thread.call('start', init);
      return { thread, started };
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  }

  call<T = unknown>(method: string, args?: unknown): Promise<T> {
    return this.channel.call<T>(method, args);
  }

  /** Ask the thread to stop its servers, then end it. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    try {
      await this.call('stop');
    } finally {
      await this.worker.terminate();
    }
  }
}
