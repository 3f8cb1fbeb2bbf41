import { performance } from 'node:perf_hooks';

/** Where the doubling stops: a real client that mistyped should not wait longer. */
const DEFAULT_MAX_DELAY_MS = 8000;
/** A quiet address starts over: the count is about bursts of guessing, not history. */
const DEFAULT_FORGET_AFTER_MS = 15 * 60 * 1000;
/** Addresses remembered at most; the oldest goes first, so a flood cannot grow memory. */
const DEFAULT_MAX_TRACKED = 4096;

export interface FailureDelayOptions {
  baseDelayMs: number;
  maxDelayMs?: number;
  forgetAfterMs?: number;
  maxTracked?: number;
  /** Real time (performance.now by default): password guessing is slowed in real seconds, whatever the world clock. */
  nowMs?: () => number;
}

interface Failures {
  count: number;
  lastAtMs: number;
}

/**
 * The delay before answering a failed login, per remote address: base, 2×base,
 * 4×base, … up to a cap, reset by a successful login from that address. One per
 * proxy (no module state), shared by all of its connections, so reconnecting does
 * not reset the count.
 */
export class FailureDelay {
  private readonly byAddress = new Map<string, Failures>();
  private readonly maxDelayMs: number;
  private readonly forgetAfterMs: number;
  private readonly maxTracked: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: FailureDelayOptions) {
    this.maxDelayMs = Math.max(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, options.baseDelayMs);
    this.forgetAfterMs = options.forgetAfterMs ?? DEFAULT_FORGET_AFTER_MS;
    this.maxTracked = options.maxTracked ?? DEFAULT_MAX_TRACKED;
    this.nowMs = options.nowMs ?? (() => performance.now());
  }

  /** Counts a failure from `address`; how long to wait before saying so. */
  recordFailure(address: string): number {
    const nowMs = this.nowMs();
    const previous = this.byAddress.get(address);
    const fresh = !previous || nowMs - previous.lastAtMs > this.forgetAfterMs;
    const count = fresh ? 1 : previous.count + 1;
    // Re-inserted so that Map order is least recently failed first.
    this.byAddress.delete(address);
    this.byAddress.set(address, { count, lastAtMs: nowMs });
    this.evictOldest();
    // 2^30 × base is past any cap; stopping there keeps the number finite.
    const delayMs = this.options.baseDelayMs * 2 ** Math.min(count - 1, 30);
    return Math.min(delayMs, this.maxDelayMs);
  }

  reset(address: string): void {
    this.byAddress.delete(address);
  }

  /** Failures currently counted for an address (0 when none). */
  failuresOf(address: string): number {
    return this.byAddress.get(address)?.count ?? 0;
  }

  private evictOldest(): void {
    while (this.byAddress.size > this.maxTracked) {
      const oldest = this.byAddress.keys().next();
      if (oldest.done) return;
      this.byAddress.delete(oldest.value);
    }
  }
}

/**
 * Waits at least `delayMs` by performance.now() (a timer may fire a millisecond
 * early), or until `signal` aborts. Never rejects: the caller checks whether its
 * connection is still there.
 */
export async function waitMs(delayMs: number, signal: AbortSignal): Promise<void> {
  const startMs = performance.now();
  for (;;) {
    const leftMs = delayMs - (performance.now() - startMs);
    if (leftMs <= 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.ceil(leftMs));
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
