import type { Server } from 'node:net';

/** A listener the world can take down and bring back on the same port. */
export interface Restartable {
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The two pieces every protocol listener of the lab shares (SMTP, LMTP, POP3, IMAP,
 * both MMP proxies): start listening and learn the real port (0 = ephemeral), and
 * keep the set of open sessions so close() can wait until the last one is gone.
 */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export class ConnectionSet<T> implements Iterable<T> {
  private readonly open = new Set<T>();
  private drained: Array<() => void> = [];

  get size(): number {
    return this.open.size;
  }

  add(connection: T): void {
    this.open.add(connection);
  }

  delete(connection: T): void {
    this.open.delete(connection);
    if (this.open.size === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  /** Resolves when no connection is left open. */
  whenEmpty(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  [Symbol.iterator](): Iterator<T> {
    return this.open[Symbol.iterator]();
  }
}

/** A session that can say goodbye (421, BYE, -ERR) and be cut if it does not leave. */
export interface ClosableSession {
  shutdown(): void;
  destroy(): void;
}

/**
 * Stop listening, tell every open session the server is going away, cut the ones
 * still there after `graceMs`, and resolve once every socket is gone.
 */
export async function closeGracefully(
  server: Server,
  connections: ConnectionSet<ClosableSession>,
  graceMs: number,
): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const connection of connections) connection.shutdown();
  const grace = setTimeout(() => {
    for (const connection of connections) connection.destroy();
  }, graceMs);
  grace.unref();
  await connections.whenEmpty();
  clearTimeout(grace);
  await stopped;
}
