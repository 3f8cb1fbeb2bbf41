import type { WalSync } from './wal-sync.js';

/**
 * Asks for a batcher's flush once, however many writes arrive before it runs: on the
 * next loop turn, or on WalSync's terms (after the running fsync) when there is one.
 * A flush that ran early (on close) turns the request still pending into a no-op.
 *
 * `windowMs` (real time) makes the first write of a batch wait that long for others,
 * as PostgreSQL's commit_delay does: worth it where many writes are in flight at once
 * (the queue under many SMTP sessions, the stores' deliveries), since each commit and
 * fsync has a fixed cost; a lone write is that much later.
 */
export class FlushTrigger {
  private requested = false;

  constructor(
    private readonly flush: () => void,
    private readonly walSync?: WalSync,
    private readonly windowMs = 0,
  ) {}

  request(): void {
    if (this.requested) return;
    this.requested = true;
    const run = () => {
      if (this.requested) this.flush();
    };
    const schedule = () => (this.walSync ? this.walSync.scheduleFlush(run) : setImmediate(run));
    if (this.windowMs > 0) setTimeout(schedule, this.windowMs);
    else schedule();
  }

  /** Call at the start of every flush: writes that come after it need a request of their own. */
  taken(): void {
    this.requested = false;
  }
}
