import Database from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import { WalSync } from '../core/wal-sync.js';
import { GroupCommit, type GroupCommitStats } from './group-commit.js';
import { deleteMessage, holdMessage, releaseMessage, retryMessageNow } from './operator.js';
import { toHistory, toMessage, toRecipient, type MessageRow } from './rows.js';
import { configureConnection, migrate } from './schema.js';
import { prepareStatements, type QueueStatements } from './statements.js';
import type {
  HistoryRecord,
  MessageStatus,
  NewMessage,
  NewRecipient,
  QueuedMessage,
  QueuedRecipient,
  RecipientStatus,
} from './types.js';
import {
  expandRecipient,
  finishRecipient,
  insertBounce,
  insertMessage,
  type BounceNote,
  type DeferredOutcome,
  type DeliveryOutcome,
  type RecipientUpdate,
} from './writes.js';

export type { BounceNote, DeferredOutcome, DeliveryOutcome, RecipientUpdate } from './writes.js';
export type { GroupCommitStats } from './group-commit.js';

export interface QueueStoreOptions {
  /** `<dataDir>/queue.sqlite`. */
  file: string;
  clock: Clock;
}

/**
 * How long (real time) the first write of a batch waits for others to share its
 * commit and fsync, as PostgreSQL's commit_delay: with twenty SMTP sessions in flight
 * it halves the commits (and fsyncs) per message; a lone 250 comes 2 ms later. Side by
 * side (bench/smtp.ts, connection per message), 0 and 1 ms cost more CPU per message:
 * 1.17–1.18 and 1.12–1.15 ms against 1.08–1.10 ms.
 */
const COMMIT_WINDOW_MS = 2;

export interface QueueStats {
  messages: Record<MessageStatus, number>;
  recipients: Record<RecipientStatus, number>;
}

const DEFAULT_LIST_LIMIT = 1000;

/**
 * The durable queue: one SQLite file per world. Writes whose durability a client
 * depends on (enqueue, delivery outcomes) go through group commit and resolve once
 * fsync'd; reads are synchronous and see committed data only.
 */
export class QueueStore {
  private readonly writes: GroupCommit;
  private readonly s: QueueStatements;
  private readonly defaultMaxPages: number;
  /** Claimed recipients whose 'active' row is not committed yet. */
  private readonly claimedUncommitted = new Set<number>();

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    file: string,
  ) {
    this.s = prepareStatements(db);
    this.writes = new GroupCommit(db, new WalSync(db, file), COMMIT_WINDOW_MS);
    this.defaultMaxPages = db.pragma('max_page_count', { simple: true }) as number;
  }

  static open(opts: QueueStoreOptions): QueueStore {
    const db = new Database(opts.file);
    try {
      configureConnection(db);
      migrate(db);
      return new QueueStore(db, opts.clock, opts.file);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Group commits done so far (tests check that a burst of writes shared one). */
  get commitCount(): number {
    return this.writes.stats().commits;
  }

  commitStats(): GroupCommitStats {
    return this.writes.stats();
  }

  /** Resolves once the message, its envelope and recipients are fsync'd: only then may the MTA say 250. */
  enqueue(message: NewMessage): Promise<QueuedMessage> {
    if (message.recipients.length === 0) {
      return Promise.reject(new Error(`message ${message.queueId} has no recipients`));
    }
    return this.writes.submit(() => insertMessage(this.s, message, this.clock.now()));
  }

  /** At startup: deliveries that were in flight when the process died are retried. */
  recover(): number {
    return this.s.recover.run(this.clock.now()).changes;
  }

  /** Pending recipients of unheld messages whose time has come, oldest first. */
  dueRecipients(now: number, limit: number): QueuedRecipient[] {
    const rows = this.s.due.all({ now, limit: limit + this.claimedUncommitted.size });
    const due = rows.map(toRecipient).filter((r) => !this.claimedUncommitted.has(r.recipientId));
    return due.slice(0, limit);
  }

  /**
   * pending → active, so a second scheduler pass skips them. The row update rides
   * on the next group commit (a claim need not survive a crash: `recover` undoes
   * claims anyway); until it is committed, the claim is remembered in memory.
   * Returns the ids actually claimed: those that were pending and not claimed yet.
   */
  claim(recipientIds: number[]): number[] {
    const now = this.clock.now();
    const fresh = recipientIds.filter(
      (id) => !this.claimedUncommitted.has(id) && this.s.recipientStatus.get(id) === 'pending',
    );
    for (const id of fresh) this.claimedUncommitted.add(id);
    const forget = () => fresh.forEach((id) => this.claimedUncommitted.delete(id));
    this.writes.submit(() => fresh.forEach((id) => this.s.claim.run({ id, now }))).then(forget, forget);
    return fresh;
  }

  /**
   * A delivery that was to start at once did not (the enqueue's fsync failed after its
   * COMMIT, or the MTA failed right after it): its recipients, written 'active', go back
   * to pending so a scheduler pass takes them, as a restart's `recover` would. Returns
   * how many changed; nothing when the message never reached the file.
   */
  unclaim(queueId: string): number {
    return this.s.unclaimMessage.run({ queueId, now: this.clock.now() }).changes;
  }

  nextDueAt(): number | undefined {
    return this.s.nextDueAt.get() ?? undefined;
  }

  /** Resolves when every write submitted so far (claims and routes included) is committed and durable. */
  settled(): Promise<void> {
    return this.writes.submit(() => undefined);
  }

  /** The parent becomes 'expanded' and its children pending, in one transaction. */
  expand(recipientId: number, into: NewRecipient[], channel: string): QueuedRecipient[] {
    const run = this.db.transaction(() => expandRecipient(this.s, recipientId, into, channel, this.clock.now()));
    return run.immediate();
  }

  markDelivered(recipientId: number, outcome: DeliveryOutcome): Promise<RecipientUpdate> {
    return this.writes.submit(() => finishRecipient(this.s, recipientId, 'delivered', outcome, this.clock.now()));
  }

  /** A temporary failure: attempts + 1, pending again from `nextAttemptAt`. */
  markDeferred(recipientId: number, outcome: DeferredOutcome): Promise<RecipientUpdate> {
    return this.writes.submit(() => finishRecipient(this.s, recipientId, 'deferred', outcome, this.clock.now()));
  }

  markFailed(recipientId: number, outcome: DeliveryOutcome): Promise<RecipientUpdate> {
    return this.writes.submit(() => finishRecipient(this.s, recipientId, 'failed', outcome, this.clock.now()));
  }

  /**
   * Log that a DSN about these recipients was generated (history 'B'). Submitted in
   * the same turn as the DSN's own enqueue, both land in the same commit.
   */
  recordBounce(queueId: string, bounce: BounceNote): Promise<void> {
    return this.writes.submit(() => insertBounce(this.s, queueId, bounce, this.clock.now()));
  }

  /** Undefined when there is no such message or it is already done; an already held message is returned as is. */
  hold(queueId: string, reason: string): QueuedMessage | undefined {
    return this.operate(queueId, (row, now) => holdMessage(this.s, row, reason, now));
  }

  release(queueId: string): QueuedMessage | undefined {
    return this.operate(queueId, (row, now) => releaseMessage(this.s, row, now));
  }

  /** Make the message's pending recipients due now; returns how many changed. */
  retryNow(queueId: string): number {
    const row = this.s.messageByQueueId.get(queueId);
    if (!row) return 0;
    return retryMessageNow(this.s, row, this.clock.now());
  }

  /** Undefined when there is no such message or it was already done. */
  delete(queueId: string): QueuedMessage | undefined {
    return this.operate(queueId, (row, now) => deleteMessage(this.s, row, now));
  }

  get(queueId: string): QueuedMessage | undefined {
    const row = this.s.messageByQueueId.get(queueId);
    return row ? this.withRecipients(row) : undefined;
  }

  /** Messages in enqueue order; done ones only when asked. */
  list(opts: { includeDone?: boolean; limit?: number } = {}): QueuedMessage[] {
    const limit = opts.limit ?? DEFAULT_LIST_LIMIT;
    const rows = opts.includeDone ? this.s.allMessages.all(limit) : this.s.liveMessages.all(limit);
    return rows.map((row) => this.withRecipients(row));
  }

  /** The message as received; undefined once done (the body is dropped) or unknown. */
  raw(queueId: string): Buffer | undefined {
    return this.s.raw.get(queueId) ?? undefined;
  }

  history(queueId: string): HistoryRecord[] {
    return this.s.history.all(queueId).map(toHistory);
  }

  stats(): QueueStats {
    const messages: Record<MessageStatus, number> = { queued: 0, held: 0, done: 0 };
    const recipients: Record<RecipientStatus, number> = { pending: 0, active: 0, delivered: 0, failed: 0, expanded: 0 };
    for (const { status, n } of this.s.messageCounts.all()) messages[status] = n;
    for (const { status, n } of this.s.recipientCounts.all()) recipients[status] = n;
    return { messages, recipients };
  }

  /**
   * Cap the file's size (a "queue disk full" fault for the lab); undefined lifts it.
   * Writes that would grow past it fail with 452 4.3.1, as on a real full disk.
   */
  setSizeLimit(sizeBytes: number | undefined): void {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = sizeBytes === undefined ? this.defaultMaxPages : Math.max(1, Math.floor(sizeBytes / pageSize));
    this.db.pragma(`max_page_count = ${pages}`);
  }

  /** Commits what is pending, then closes the file. */
  close(): void {
    if (!this.db.open) return;
    this.writes.close();
    this.db.close();
  }

  private withRecipients(row: MessageRow): QueuedMessage {
    return toMessage(row, this.s.recipientsOfMessage.all(row.id).map(toRecipient));
  }

  private operate(queueId: string, action: (row: MessageRow, now: number) => boolean): QueuedMessage | undefined {
    const run = this.db.transaction(() => {
      const row = this.s.messageByQueueId.get(queueId);
      if (!row || row.status === 'done') return undefined;
      action(row, this.clock.now());
      return this.get(queueId);
    });
    return run.immediate();
  }
}
