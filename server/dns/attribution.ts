import type { LookupContext } from './resolver.js';

/**
 * Who asked: the DNS server sees only a source port and a query id, so the lab's
 * resolver notes "port + id → caller" here just before it sends, and the server reads
 * it when it answers to name the lab host on its `dns.answered` event. One registry
 * per world, shared in-process by the resolver and the server. Entries live only while
 * a query is in flight: the resolver releases them on answer or timeout.
 */
export class QueryAttribution {
  private readonly pending = new Map<string, LookupContext>();

  /** Note a query about to leave `localPort` with `queryId`; call the returned function when it is over. */
  register(localPort: number, queryId: number, context: LookupContext): () => void {
    const key = keyOf(localPort, queryId);
    this.pending.set(key, context);
    return () => {
      if (this.pending.get(key) === context) this.pending.delete(key);
    };
  }

  /** The caller of a query that arrived from `remotePort` with `queryId`, if it was the lab. */
  lookup(remotePort: number, queryId: number): LookupContext | undefined {
    return this.pending.get(keyOf(remotePort, queryId));
  }

  /** Queries in flight (tests check that nothing leaks). */
  get size(): number {
    return this.pending.size;
  }
}

function keyOf(port: number, id: number): string {
  return `${port}:${id}`;
}
