import type Database from 'better-sqlite3';

/** What became of one write of a batch. */
export type WriteOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Many independent writes in ONE transaction (one commit, one fsync), where a write
 * that fails must fail alone: the queue's group commit and the stores' delivery
 * batches. Writes almost never fail, so a batch first runs plainly; only when one of
 * its writes throws is it rolled back and run again with each write in a SAVEPOINT of
 * its own (a savepoint costs more than its two statements: SQLite keeps a copy of
 * every page the write changes, to be able to undo it). Writes touch only the
 * database, so running one again after a rollback is safe.
 *
 * A failure of the transaction itself — BEGIN on a file another connection holds,
 * COMMIT on a full disk — is not a write's: it is not retried, and `run` throws with
 * nothing of the batch written.
 */
export class EachInOneTransaction<T, R> {
  private readonly plainly: Database.Transaction<(items: T[]) => R[]>;
  private readonly isolated: Database.Transaction<(items: T[]) => WriteOutcome<R>[]>;
  /** Called inside `isolated`'s transaction, better-sqlite3 runs it as a SAVEPOINT. */
  private readonly inSavepoint: Database.Transaction<(item: T) => R>;
  private writeFailed = false;

  constructor(
    private readonly db: Database.Database,
    apply: (item: T) => R,
  ) {
    this.inSavepoint = db.transaction(apply);
    this.plainly = db.transaction((items: T[]) =>
      items.map((item) => {
        try {
          return apply(item);
        } catch (err) {
          this.writeFailed = true;
          throw err;
        }
      }),
    );
    this.isolated = db.transaction((items: T[]) => items.map((item) => this.alone(item)));
  }

  /** Each write's outcome, in order; throws when the transaction as a whole failed. */
  run(items: T[]): WriteOutcome<R>[] {
    this.writeFailed = false;
    try {
      return this.plainly.immediate(items).map((value) => ({ ok: true, value }));
    } catch (err) {
      if (!this.writeFailed) throw err;
      return this.isolated.immediate(items);
    }
  }

  private alone(item: T): WriteOutcome<R> {
    try {
      return { ok: true, value: this.inSavepoint(item) };
    } catch (error) {
      // Some errors (I/O, out of memory) make SQLite roll back the whole transaction;
      // carrying on would run the next writes outside it, so give up on the batch.
      if (!this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }
}
