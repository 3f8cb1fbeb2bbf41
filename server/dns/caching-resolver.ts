import type { Clock } from '../core/clock.js';
import { DnsLookupError, type LabResolver, type LookupContext, type MxRecord } from './resolver.js';

export interface CachingResolverOptions {
  /** How long an answer is kept, in world time (the lab's zones use TTL 300). */
  positiveTtlMs?: number;
  /** How long "no such name / no such record" is kept (RFC 2308 negative caching). */
  negativeTtlMs?: number;
  maxEntries?: number;
}

interface Entry {
  expiresAt: number;
  answer: Promise<unknown>;
}

/**
 * What a real MTA asks through: a caching resolver. Each host of the world keeps its
 * own cache (keyed by the asking node), on world time, so the first message to a
 * domain shows its DNS queries on the diagram and the next ones within the TTL do not
 * — as on a real network. Failures to find out (SERVFAIL, timeout) are not kept; any
 * change of the fault switches empties the caches, so a DNS fault acts at once.
 */
export class CachingResolver implements LabResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly inner: LabResolver,
    private readonly clock: Clock,
    opts: CachingResolverOptions = {},
  ) {
    this.positiveTtlMs = opts.positiveTtlMs ?? 300_000;
    this.negativeTtlMs = opts.negativeTtlMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  private cleared = 0;

  get generation(): number {
    return this.cleared;
  }

  clear(): void {
    this.entries.clear();
    this.cleared += 1;
  }

  resolveMx(domain: string, context: LookupContext): Promise<MxRecord[]> {
    return this.cached('MX', domain, context, () => this.inner.resolveMx(domain, context));
  }

  resolveA(name: string, context: LookupContext): Promise<string[]> {
    return this.cached('A', name, context, () => this.inner.resolveA(name, context));
  }

  resolveTxt(name: string, context: LookupContext): Promise<string[][]> {
    return this.cached('TXT', name, context, () => this.inner.resolveTxt(name, context));
  }

  reverse(address: string, context: LookupContext): Promise<string[]> {
    return this.cached('PTR', address, context, () => this.inner.reverse(address, context));
  }

  private cached<T>(type: string, name: string, context: LookupContext, ask: () => Promise<T>): Promise<T> {
    const key = `${context.callerNode}\u0000${type}\u0000${name.toLowerCase().replace(/\.$/, '')}`;
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.answer as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    // Concurrent askers share one query; the entry's lifetime is set once it settles.
    const entry: Entry = { expiresAt: Number.POSITIVE_INFINITY, answer: ask() };
    this.entries.set(key, entry);
    entry.answer.then(
      () => (entry.expiresAt = this.clock.now() + this.positiveTtlMs),
      (err: unknown) => {
        if (err instanceof DnsLookupError && err.isNegative) entry.expiresAt = this.clock.now() + this.negativeTtlMs;
        else if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.answer as Promise<T>;
  }
}
