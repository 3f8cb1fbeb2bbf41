import { SmtpClient } from '../smtp/client.js';

export interface PoolTarget {
  host: string;
  port: number;
}

/**
 * Persistent client connections per destination, reused across messages: opening a
 * TCP connection and saying LHLO for every message would cost more than the delivery.
 * At most `maxPerTarget` connections per destination; further callers wait their turn.
 */
export class ConnectionPool {
  private readonly idle = new Map<string, SmtpClient[]>();
  private readonly inUse = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private closed = false;

  constructor(
    private readonly opts: { lmtp: boolean; clientHostname: string; maxPerTarget: number; timeoutMs: number },
  ) {}

  async withClient<T>(target: PoolTarget, use: (client: SmtpClient) => Promise<T>): Promise<T> {
    const key = `${target.host}:${target.port}`;
    const client = await this.acquire(key, target);
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
    await Promise.all(all.map((c) => c.quit().catch(() => c.close())));
  }

  private async acquire(key: string, target: PoolTarget): Promise<SmtpClient> {
    for (;;) {
      if (this.closed) throw new Error('connection pool is closed');
      const idle = this.idle.get(key);
      while (idle && idle.length > 0) {
        const client = idle.pop()!;
        if (!client.closed) {
          this.inUse.set(key, (this.inUse.get(key) ?? 0) + 1);
          return client;
        }
      }
      if ((this.inUse.get(key) ?? 0) < this.opts.maxPerTarget) {
        this.inUse.set(key, (this.inUse.get(key) ?? 0) + 1);
        try {
          return await SmtpClient.connect({
            host: target.host,
            port: target.port,
            lmtp: this.opts.lmtp,
            clientHostname: this.opts.clientHostname,
            connectTimeoutMs: this.opts.timeoutMs,
            commandTimeoutMs: this.opts.timeoutMs,
          });
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

  private release(key: string, client: SmtpClient | undefined, healthy: boolean): void {
    this.inUse.set(key, Math.max(0, (this.inUse.get(key) ?? 1) - 1));
    if (client) {
      if (healthy && !client.closed && !this.closed) {
        const list = this.idle.get(key) ?? [];
        list.push(client);
        this.idle.set(key, list);
      } else {
        client.close();
      }
    }
    this.waiters.get(key)?.shift()?.();
  }
}
