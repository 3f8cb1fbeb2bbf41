import type { Server } from 'node:net';

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
