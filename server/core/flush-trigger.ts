import type { WalSync } from './wal-sync.js';

/**
 * Asks for a batcher's flush once, however many writes arrive before it runs: on the
 * next loop turn, or on WalSync's terms (after the running fsync) when there is one.
 * A flush that ran early (on close) turns the request still pending into a no-op.
 */
export class FlushTrigger {
  private requested = false;

  constructor(
    private readonly flush: () => void,
    private readonly walSync?: WalSync,
  ) {}

  request(): void {
    if (this.requested) return;
    this.requested = true;
    const run = () => {
      if (this.requested) this.flush();
    };
    if (this.walSync) this.walSync.scheduleFlush(run);
    else setImmediate(run);
  }

  /** Call at the start of every flush: writes that come after it need a request of their own. */
  taken(): void {
    this.requested = false;
  }
}
