import { EachInOneTransaction } from '../core/each-in-one-transaction.js';
import { FlushTrigger } from '../core/flush-trigger.js';
import { MailError } from '../core/mail-error.js';
import type { WalSync } from '../core/wal-sync.js';
import { findFolder, requireFolder, requireUser, type StoreContext } from './context.js';
import { INBOX } from './folder-names.js';
import type { HeaderSummary } from './headers.js';
import { insertMessage } from './message-ops.js';
import { storageError, storeClosed } from './store-error.js';
import type { DeliverInput, DeliverResult, DeliveryStats, StoreChange } from './types.js';

/**
 * Delivery with GROUP COMMIT. An fsync costs the same for one message as for fifty,
 * so deliveries that arrive in the same event-loop turn — or while the previous
 * batch's fsync runs (WalSync.scheduleFlush) — are written in one transaction:
 * `add` queues, the scheduled flush commits, and every promise resolves only after
 * that commit. better-sqlite3 is synchronous, so while a commit runs
 * the loop is blocked and new deliveries pile up for the next batch by themselves.
 * One bad delivery fails alone, and does not sink its neighbours (EachInOneTransaction).
 */

export interface PendingDelivery {
  input: DeliverInput;
  header: HeaderSummary;
  flags: string[];
  internalDate: number;
  resolve(result: DeliverResult): void;
  reject(err: unknown): void;
}

export interface DeliveryOutcome {
  item: PendingDelivery;
  result?: DeliverResult;
  error?: MailError;
  /** The owner's address as stored (lower case), when the delivery stored a message. */
  address?: string;
}

/** Bounds on one transaction, so a burst cannot make one commit huge. */
const MAX_BATCH_ITEMS = 512;
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

function deliverOne(ctx: StoreContext, item: PendingDelivery): DeliveryOutcome {
  const { input } = item;
  const user = requireUser(ctx, input.address);
  if (input.dedupeKey !== undefined) {
    const prior = ctx.sql.deliveryKey.get(input.dedupeKey);
    if (prior) {
      const result: DeliverResult = { uid: prior.uid, folder: prior.folder, duplicate: true };
      if (prior.message_id !== null) result.messageId = prior.message_id;
      return { item, result, address: user.address };
    }
  }
  // An unknown folder falls back to INBOX, as Sieve fileinto does: mail is never refused for it.
  const folder = (input.folder !== undefined && findFolder(ctx, user, input.folder)) || requireFolder(ctx, user, INBOX);
  const { uid } = insertMessage(ctx, folder, {
    raw: input.raw,
    header: item.header,
    flags: item.flags,
    internalDate: item.internalDate,
  });
  const messageId = item.header.messageId;
  if (input.dedupeKey !== undefined) {
    ctx.sql.insertDeliveryKey.run(input.dedupeKey, user.id, folder.name, uid, messageId ?? null, ctx.clock.now());
  }
  const result: DeliverResult = { uid, folder: folder.name, duplicate: false };
  if (messageId !== undefined) result.messageId = messageId;
  return { item, result, address: user.address };
}

function takeBatch(queue: PendingDelivery[]): PendingDelivery[] {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < MAX_BATCH_ITEMS) {
    bytes += queue[count]!.input.raw.length;
    if (count > 0 && bytes > MAX_BATCH_BYTES) break;
    count++;
  }
  return queue.splice(0, count);
}

/** "exists" changes of a batch, one per folder, UIDs in order. */
export function existsChanges(outcomes: DeliveryOutcome[]): StoreChange[] {
  const byFolder = new Map<string, StoreChange>();
  for (const { result, address } of outcomes) {
    if (!result || result.duplicate || !address) continue;
    const key = `${address}\n${result.folder}`;
    let change = byFolder.get(key);
    if (!change) byFolder.set(key, (change = { address, folder: result.folder, kind: 'exists', uids: [] }));
    change.uids.push(result.uid);
  }
  return [...byFolder.values()];
}

export class DeliveryBatcher {
  private queue: PendingDelivery[] = [];
  private readonly trigger: FlushTrigger;
  private closed = false;
  readonly stats: DeliveryStats = { batches: 0, stored: 0, duplicates: 0, refused: 0, largestBatch: 0 };
  private readonly batch: EachInOneTransaction<PendingDelivery, DeliveryOutcome>;

  constructor(
    ctx: StoreContext,
    /** Called after each commit with what it decided (listeners, trace). */
    private readonly afterCommit: (outcomes: DeliveryOutcome[]) => void,
    /** When given, batches commit relaxed and are made durable by an fsync off the event loop. */
    private readonly walSync?: WalSync,
    /** How long (real time) a delivery waits for others to share its commit. */
    batchWindowMs = 0,
  ) {
    this.trigger = new FlushTrigger(() => this.flush(), walSync, batchWindowMs);
    this.batch = new EachInOneTransaction(ctx.db, (item: PendingDelivery) => deliverOne(ctx, item));
  }

  add(item: PendingDelivery): void {
    if (this.closed) {
      item.reject(storeClosed());
      return;
    }
    this.queue.push(item);
    this.trigger.request();
  }

  /** Writes everything queued now (close() uses it so nothing waits on a dead timer). */
  flush(): void {
    this.trigger.taken();
    // One batch per flush; what is left (over the bounds) goes in the next one.
    if (this.queue.length > 0) this.runBatch(takeBatch(this.queue));
    if (this.queue.length > 0) this.trigger.request();
  }

  close(): void {
    while (this.queue.length > 0) this.flush();
    this.walSync?.close();
    this.trigger.taken();
    this.closed = true;
  }

  private runBatch(items: PendingDelivery[]): void {
    let outcomes: DeliveryOutcome[];
    const refuse = (err: unknown) => {
      this.stats.refused += items.length;
      const error = storageError(err);
      for (const item of items) item.reject(error);
    };
    try {
      outcomes = this.walSync ? this.walSync.runRelaxed(() => this.write(items)) : this.write(items);
    } catch (err) {
      refuse(err);
      return;
    }
    if (!this.walSync) this.settle(outcomes);
    else this.walSync.afterCommit().then(() => this.settle(outcomes), refuse);
  }

  /** The batch's outcomes, in order; throws when the transaction as a whole failed. */
  private write(items: PendingDelivery[]): DeliveryOutcome[] {
    return this.batch
      .run(items)
      .map((outcome, i) => (outcome.ok ? outcome.value : { item: items[i]!, error: storageError(outcome.error) }));
  }

  private settle(outcomes: DeliveryOutcome[]): void {
    this.stats.batches++;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, outcomes.length);
    for (const { item, result, error } of outcomes) {
      if (result) {
        if (result.duplicate) this.stats.duplicates++;
        else this.stats.stored++;
        item.resolve(result);
      } else {
        this.stats.refused++;
        item.reject(error);
      }
    }
    try {
      this.afterCommit(outcomes);
    } catch {
      // The deliveries are committed and answered; a failing observer must not crash the loop.
    }
  }
}
