import type Database from 'better-sqlite3';
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Durable group commits without blocking the event loop.
 *
 * With `synchronous = FULL`, SQLite fsyncs the WAL inside COMMIT; better-sqlite3 is
 * synchronous, so the whole lab (every SMTP session, every LDAP reply) would stop for
 * those ~2 ms, once per batch. Instead a batch commits with `synchronous = NORMAL` —
 * the frames reach the OS, which already survives a process crash, and SQLite still
 * fsyncs properly around its checkpoints — and this class then fsyncs the WAL file on
 * libuv's thread pool. A caller's promise resolves only after an fsync that *started
 * after* its commit has finished, so "250 only after fsync" still holds while the loop
 * keeps serving, and one fsync covers every commit made while the previous one ran.
 * The sync is fdatasync, as SQLite's own on Linux: the WAL's contents and size, without
 * a journal commit for its modification time.
 *
 * Batchers ask for their flush through `scheduleFlush`: while an fsync runs, a write
 * could not be acknowledged before the next fsync anyway, so its COMMIT waits for the
 * running one to end and everything submitted meanwhile goes into ONE transaction.
 * That costs no latency and saves the per-commit work (locks, the same b-tree pages
 * rewritten in the WAL once per commit): `npm run bench -- smtp` prints how many commits it took.
 *
 * Other writes on the same connection keep `synchronous = FULL` (durable on return).
 */
type Waiter = { resolve: () => void; reject: (err: Error) => void };

/** The fsync to use (a seam for tests that must see when a sync starts and ends). */
export type FsyncFn = (fd: number, done: (err: Error | null) => void) => void;

export class WalSync {
  private walFd: number | undefined;
  private running = false;
  /** Waiters whose commits happened before the running fsync began. */
  private current: Waiter[] = [];
  /** Waiters whose commits came later: they need the next fsync. */
  private next: Waiter[] = [];
  private closed = false;
  /** Flushes that wait for the running fsync to end. */
  private flushesAfterRound: Array<() => void> = [];
  private readonly relax: Database.Statement;
  private readonly restore: Database.Statement;
  /** fsyncs done so far (tests and benchmarks look at it). */
  rounds = 0;

  constructor(
    db: Database.Database,
    private readonly file: string,
    private readonly fsyncFile: FsyncFn = fdatasync,
  ) {
    this.relax = db.prepare('PRAGMA synchronous = NORMAL');
    this.restore = db.prepare('PRAGMA synchronous = FULL');
  }

  /** Run a write transaction whose durability will come from `afterCommit`. */
  runRelaxed<T>(transaction: () => T): T {
    this.relax.run();
    try {
      return transaction();
    } finally {
      this.restore.run();
    }
  }

  /**
   * Run `flush` (a batcher's commit) on the next loop turn, or, while an fsync is
   * running, as soon as it ends. A batcher calls this once per pending batch.
   */
  scheduleFlush(flush: () => void): void {
    if (this.running && !this.closed) {
      this.flushesAfterRound.push(flush);
      return;
    }
    setImmediate(flush);
  }

  /** Call right after a relaxed COMMIT; resolves once that commit is on stable storage. */
  afterCommit(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.next.push({ resolve, reject });
      if (!this.running) this.startRound();
    });
  }

  /** Sync what is outstanding, synchronously, and release the file descriptor. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiters = [...this.current, ...this.next];
    this.current = [];
    this.next = [];
    // Their batchers flush themselves on close; nothing may run after this.
    this.flushesAfterRound = [];
    let error: Error | undefined;
    try {
      if (this.walFd !== undefined) fsyncSync(this.walFd);
    } catch (err) {
      error = err as Error;
    }
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  private startRound(): void {
    this.running = true;
    this.current = this.next;
    this.next = [];
    let fd: number;
    try {
      // The WAL exists once the first transaction has been written; open it then.
      // Read-write: Windows refuses to flush a read-only handle.
      if (this.walFd === undefined) {
        this.walFd = openSync(`${this.file}-wal`, 'r+');
        syncDirectory(dirname(this.file));
      }
      fd = this.walFd;
    } catch (err) {
      this.finishRound(err as Error);
      return;
    }
    this.fsyncFile(fd, (err) => this.finishRound(err ?? undefined));
  }

  private finishRound(err: Error | undefined): void {
    if (this.closed) return; // close() already synced and answered everyone
    if (err) {
      // The commits are in the file but the disk would not confirm them. Say so loudly;
      // the senders get a temporary error and try again (a duplicate beats a loss).
      console.error(`fsync of ${this.file}-wal failed: ${err.message}`);
    }
    this.rounds++;
    const waiters = this.current;
    this.current = [];
    this.running = false;
    for (const waiter of waiters) {
      if (err) waiter.reject(err);
      else waiter.resolve();
    }
    // The held-back batches commit on the next turn, after the continuations of the
    // commits just acknowledged (the next SMTP reply, the next delivery) have added
    // their writes to them; their afterCommit() starts the next round.
    const flushes = this.flushesAfterRound;
    this.flushesAfterRound = [];
    for (const flush of flushes) setImmediate(flush);
    if (this.next.length > 0 && !this.running) this.startRound();
  }
}

/**
 * A new WAL file's directory entry must reach the disk too (SQLite does this itself
 * when it syncs). Not possible on every platform (Windows cannot open a directory);
 * there the file system's own journal is all we have.
 */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // see above
  }
}
