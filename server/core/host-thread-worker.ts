import { parentPort } from 'node:worker_threads';
import { ThreadChannel, type ThreadHandlers } from './thread-channel.js';

/**
 * The thread side of HostThread: answer the main thread's requests with the given
 * handlers (`start` and `stop` at least). Returns the channel, through which the
 * thread may call (or notify) the main thread in turn.
 */
export function serveThread(handlers: ThreadHandlers): ThreadChannel {
  const port = parentPort;
  if (!port) throw new Error('serveThread must run inside a worker thread');
  return new ThreadChannel(port, handlers);
}
