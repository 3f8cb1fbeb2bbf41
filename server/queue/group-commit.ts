import type Database from 'better-sqlite3';
import { EachInOneTransaction } from '../core/each-in-one-transaction.js';
import { FlushTrigger } from '../core/flush-trigger.js';
import { MailError } from '../core/mail-error.js';
import type { WalSync } from '../core/wal-sync.js';

/**
 * Group commit: every write submitted during one event-loop turn (or a short window,
 * when one is given) goes into ONE SQLite transaction, committed (and so fsync'd once)
 * on `setImmediate` — or, while the previous batch's fsync runs, when it ends (see
 * WalSync.scheduleFlush). Each caller's promise settles only after that commit. This
 * is what lets the MTA answer 250 per message while paying one fsync per batch
 * instead of one per message.
 *
 * A write that fails (a duplicate queue id, a full disk while inserting a big body)
 * is undone on its own and rejects alone: a failed enqueue is never half written, and
 * its neighbours commit (EachInOneTransaction).
 *
 * better-sqlite3 is synchronous, so a flush runs to completion inside one turn;
 * writes submitted by the continuations of a flush (the next SMTP reply's message,
 * the next delivery result) collect for the next flush.
 */

export interface GroupCommitStats {
  /** Transactions committed (one per non-empty flush that succeeded). */
  commits: number;
  /** Writes made durable by those commits. */
  writes: number;
  /** Flushes whose transaction as a whole failed (every write in it rejected). */
  failedCommits: number;
  /** The largest number of writes one commit carried. */
  largestBatch: number;
}

interface PendingWrite {
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: MailError) => void;
}

type WriteResult = { ok: true; value: unknown } | { ok: false; error: MailError };

/**
 * The MailError a queue write failure means to a client: a full disk is "452 4.3.1
 * insufficient system storage" (RFC 3463), anything else "451 4.3.0"; both are
 * temporary, so the sender keeps the message and tries again.
 */
export function queueWriteError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL') {
    return MailError.temporary('queue', '4.3.1', 'Insufficient system storage', err, 452);
  }
  return MailError.temporary('queue', '4.3.0', 'Local error in processing', err, 451);
}

export class GroupCommit {
  private pending: PendingWrite[] = [];
  private readonly trigger: FlushTrigger;
  private closed = false;
  private readonly counters: GroupCommitStats = { commits: 0, writes: 0, failedCommits: 0, largestBatch: 0 };
  private readonly batch: EachInOneTransaction<PendingWrite, unknown>;

  constructor(
    db: Database.Database,
    /** When given, batches commit relaxed and are made durable by an fsync off the event loop. */
    private readonly walSync?: WalSync,
    /** How long the first write of a batch waits for company (see FlushTrigger). */
    windowMs = 0,
  ) {
    this.trigger = new FlushTrigger(() => this.flush(), walSync, windowMs);
    this.batch = new EachInOneTransaction(db, (write: PendingWrite) => write.apply());
  }

  /** Queue `apply` for the next commit; resolves with its result once durable. */
  submit<T>(apply: () => T): Promise<T> {
    if (this.closed) {
      return Promise.reject(MailError.temporary('queue', '4.3.2', 'Queue is shut down'));
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ apply, resolve: resolve as (value: unknown) => void, reject });
      this.trigger.request();
    });
  }

  /** Commit everything submitted so far, now. Safe to call with nothing pending. */
  flush(): void {
    this.trigger.taken();
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const results = this.walSync ? this.walSync.runRelaxed(() => this.runBatch(batch)) : this.runBatch(batch);
    const settle = (fsyncError?: unknown) =>
      batch.forEach((write, i) => {
        const result = results[i]!;
        if (!result.ok) write.reject(result.error);
        else if (fsyncError) write.reject(queueWriteError(fsyncError));
        else write.resolve(result.value);
      });
    if (!this.walSync || !results.some((r) => r.ok)) settle();
    else this.walSync.afterCommit().then(() => settle(), settle);
  }

  /** Commit what is pending and refuse anything later. */
  close(): void {
    this.flush();
    this.walSync?.close();
    this.closed = true;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private runBatch(batch: PendingWrite[]): WriteResult[] {
    let results: WriteResult[];
    try {
      results = this.batch
        .run(batch)
        .map((outcome) => (outcome.ok ? outcome : { ok: false, error: queueWriteError(outcome.error) }));
    } catch (err) {
      // The transaction as a whole is gone (BEGIN or COMMIT failed, or SQLite abandoned
      // it after an I/O error): nothing of this batch is on disk, so nobody may hear yes.
      this.counters.failedCommits++;
      const error = queueWriteError(err);
      return batch.map(() => ({ ok: false, error }));
    }
    const committed = results.filter((r) => r.ok).length;
    this.counters.commits++;
    this.counters.writes += committed;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    return results;
  }
}
