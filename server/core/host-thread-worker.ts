import { parentPort } from 'node:worker_threads';

export type ThreadHandlers = Record<string, (args: unknown) => Promise<unknown> | unknown>;

/**
 * The thread side of HostThread: answer requests with the given handlers (`start`
 * and `stop` at least). Errors travel back as their message.
 */
export function serveThread(handlers: ThreadHandlers): void {
  const port = parentPort;
  if (!port) throw new Error('serveThread must run inside a worker thread');
  port.on('message', async (request: { id: number; method: string; args: unknown }) => {
    const handler = handlers[request.method];
    try {
      if (!handler) throw new Error(`no handler for ${request.method}`);
      port.postMessage({ id: request.id, result: await handler(request.args) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err), code });
    }
  });
}
