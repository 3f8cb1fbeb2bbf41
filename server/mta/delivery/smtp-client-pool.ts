import type { SmtpClient } from '../smtp/client.js';

interface IdleClient {
  client: SmtpClient;
  /** Real time (ms) since when it waits unused. */
  idleSinceMs: number;
}

/**
 * SMTP and LMTP client connections kept open per destination, so a burst of messages
 * pays for TCP, EHLO and the TLS handshake once. An idle one is closed with QUIT after
 * `idleMs`: long for the lab's own stores (LMTP), short for other organisations'
 * servers, which should not see idle connections held for long (Postfix's connection
 * cache keeps them about 2 s). That is a network timer, so it runs on real time, not
 * the world clock. At most `maxPerTarget` connections per destination.
 */
export class SmtpClientPool {
  private readonly idle = new Map<string, IdleClient[]>();
  private readonly inUse = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private closed = false;
  /** One sweeper for the whole pool, not a timer per connection: release is on the hot path. */
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { maxPerTarget: number; idleMs: number }) {}

  /**
   * Runs `use` on an idle connection for `key`, or on a new one from `connect`. A
   * failure of `connect` is thrown as is (the caller tries the next host).
   */
  async withClient<T>(
    key: string,
    connect: () => Promise<SmtpClient>,
    use: (client: SmtpClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.acquire(key, connect);
    let healthy = false;
    try {
      const result = await use(client);
      healthy = true;
      return result;
    } finally {
      this.release(key, client, healthy);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    clearInterval(this.sweeper);
    await Promise.all(all.map(({ client }) => client.quit()));
    for (const list of this.waiters.values()) for (const wake of list.splice(0)) wake();
  }

  private async acquire(key: string, connect: () => Promise<SmtpClient>): Promise<SmtpClient> {
    for (;;) {
      if (this.closed) throw new Error('SMTP connection pool is closed');
      const reused = this.takeIdle(key);
      if (reused) return reused;
      if ((this.inUse.get(key) ?? 0) < this.opts.maxPerTarget) {
        this.inUse.set(key, (this.inUse.get(key) ?? 0) + 1);
        try {
          return await connect();
        } catch (err) {
          this.release(key, undefined, false);
          throw err;
        }
      }
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(key) ?? [];
        list.push(resolve);
        this.waiters.set(key, list);
      });
    }
  }

  private takeIdle(key: string): SmtpClient | undefined {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const { client } = list.pop()!;
      // The server may have hung up meanwhile (idle timeout, 421 on shutdown).
      if (client.closed) continue;
      this.inUse.set(key, (this.inUse.get(key) ?? 0) + 1);
      return client;
    }
    return undefined;
  }

  private release(key: string, client: SmtpClient | undefined, healthy: boolean): void {
    this.inUse.set(key, Math.max(0, (this.inUse.get(key) ?? 1) - 1));
    if (client) {
      // A connection whose use threw is in an unknown state: drop it without a word.
      if (!healthy) client.close();
      else if (this.closed) void client.quit();
      else if (!client.closed) this.keepIdle(key, client);
    }
    this.waiters.get(key)?.shift()?.();
  }

  private keepIdle(key: string, client: SmtpClient): void {
    const list = this.idle.get(key) ?? [];
    list.push({ client, idleSinceMs: Date.now() });
    this.idle.set(key, list);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(100, this.opts.idleMs / 2));
      // Idle connections must never keep the process alive on their own.
      this.sweeper.unref();
    }
  }

  /** QUIT the connections idle for longer than idleMs (give or take half of it). */
  private sweep(): void {
    const oldest = Date.now() - this.opts.idleMs;
    let left = 0;
    for (const list of this.idle.values()) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.idleSinceMs > oldest) continue;
        void list[i]!.client.quit();
        list.splice(i, 1);
      }
      left += list.length;
    }
    if (left === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
