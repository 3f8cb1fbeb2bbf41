import Database from 'better-sqlite3';
import { WalSync } from '../core/wal-sync.js';
import type { Clock } from '../core/clock.js';
import type { Tracer } from '../core/tracer.js';
import {
  ensureUserRows,
  findUser,
  normalizeAddress,
  requireFolder,
  requireUser,
  type Changes,
  type StoreContext,
} from './context.js';
import { DeliveryBatcher, existsChanges, type DeliveryOutcome } from './delivery.js';
import { normalizeFlags } from './flags.js';
import * as folderOps from './folder-ops.js';
import { parseHeaderSummary } from './headers.js';
import * as messageOps from './message-ops.js';
import { configure, migrate } from './schema.js';
import { prepareStatements, toSummary } from './statements.js';
import { StoreEvents } from './store-events.js';
import { badInput, cannot, storageError, storeClosed, tooBig } from './store-error.js';
import type {
  AppendResult,
  DeliverInput,
  DeliverResult,
  DeliveryStats,
  FlagOp,
  FlagStoreResult,
  FolderInfo,
  MessageSummary,
  StoredMessage,
  StoreChangeListener,
  UidMapping,
} from './types.js';

export interface MessageStoreOptions {
  /** The SQLite file; created (with its folder's -wal/-shm companions) when missing. */
  file: string;
  /** The store host's name: the node of its trace events. */
  host: string;
  clock: Clock;
  /** When given, the store reports `mailbox.stored` after each commit. */
  tracer?: Tracer;
  /** Larger messages are refused with 552 5.3.4. Default 50 MiB. */
  maxMessageBytes?: number;
  /** Each user's storage limit, as IMAP QUOTA (RFC 9208) reports it. Default 100 MiB. */
  quotaBytes?: number;
  /**
   * How long (real time) a delivery waits for others to share its commit and fsync.
   * Default 5 ms: the MTA keeps many deliveries in flight, and under load one commit
   * for several messages instead of one each saved ~7% of the lab's CPU per message
   * (`npm run bench -- smtp`); one delivery alone is 5 ms later, which nobody sees.
   */
  batchWindowMs?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
const DEFAULT_QUOTA_BYTES = 100 * 1024 * 1024;
const DEFAULT_BATCH_WINDOW_MS = 5;

const toUids = (mapping: UidMapping[]) => mapping.map((m) => m.toUid);
const fromUids = (mapping: UidMapping[]) => mapping.map((m) => m.fromUid);

/**
 * The mailboxes of one store host in one SQLite file (WAL, synchronous=FULL).
 * Deliveries are group-committed (see delivery.ts); every other write is its own
 * synchronous transaction, so IMAP can answer OK the moment the call returns.
 * Listeners hear about changes only after the commit.
 */
export class MessageStore {
  readonly host: string;
  /** Each user's storage limit (IMAP QUOTA STORAGE); reported, not yet enforced. */
  readonly quotaBytes: number;
  private readonly ctx: StoreContext;
  private readonly batcher: DeliveryBatcher;
  private readonly events: StoreEvents;
  private readonly maxMessageBytes: number;
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;
  /**
   * Mailboxes known to exist. Users are never removed from a store, so a yes stays
   * true; this spares the LMTP RCPT of every delivery a SQLite read.
   */
  private readonly knownUsers = new Set<string>();

  static open(opts: MessageStoreOptions): MessageStore {
    const db = new Database(opts.file);
    try {
      configure(db);
      migrate(db);
      return new MessageStore(db, opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(db: Database.Database, opts: MessageStoreOptions) {
    this.host = opts.host;
    this.quotaBytes = opts.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    this.events = new StoreEvents(opts.host, opts.tracer);
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.ctx = { db, sql: prepareStatements(db), clock: opts.clock };
    this.batcher = new DeliveryBatcher(
      this.ctx,
      (outcomes) => this.afterDeliveries(outcomes),
      new WalSync(db, opts.file),
      opts.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
    );
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
  }

  // ---- users -------------------------------------------------------------

  /** Creates the user with INBOX, Sent, Drafts, Trash, Junk and Archive (all subscribed) if missing. */
  ensureUser(address: string, login: string): void {
    this.write(() => {
      ensureUserRows(this.ctx, address, login);
      return [];
    });
  }

  hasUser(address: string): boolean {
    const key = normalizeAddress(address);
    if (this.knownUsers.has(key)) return true;
    const found = this.read(() => findUser(this.ctx, key) !== undefined);
    if (found) this.knownUsers.add(key);
    return found;
  }

  /** The mailbox address of a login name (IMAP/POP3 after the directory said yes). */
  addressForLogin(login: string): string | undefined {
    return this.read(() => this.ctx.sql.userByLogin.get(login)?.address);
  }

  // ---- delivery (LMTP) -----------------------------------------------------

  /**
   * Resolves after the transaction holding this delivery committed. Unknown mailbox:
   * MailError 550 5.1.1; disk or SQLite trouble: 452 4.3.1 / 451 4.3.0.
   */
  deliver(input: DeliverInput): Promise<DeliverResult> {
    try {
      this.assertOpen();
      if (input.raw.length > this.maxMessageBytes) throw tooBig(this.maxMessageBytes);
      const flags = normalizeFlags(input.flags ?? []);
      const header = parseHeaderSummary(input.raw);
      const internalDate = this.internalDate(input.internalDate);
      return new Promise((resolve, reject) => {
        this.batcher.add({ input, header, flags, internalDate, resolve, reject });
      });
    } catch (err) {
      return Promise.reject(storageError(err));
    }
  }

  deliveryStats(): DeliveryStats {
    return { ...this.batcher.stats };
  }

  /** Forget delivery keys older than `before` (epoch ms): only needed as long as the queue may retry. */
  pruneDeliveryKeys(before: number): number {
    return this.write(() => ({ value: this.ctx.sql.pruneDeliveryKeys.run(before).changes, changes: [] }));
  }

  // ---- folders -------------------------------------------------------------

  listFolders(address: string): FolderInfo[] {
    return this.read(() => folderOps.listFolders(this.ctx, requireUser(this.ctx, address)));
  }

  /** One folder's status (IMAP SELECT/STATUS); StoreError NONEXISTENT when missing. */
  folderInfo(address: string, folder: string): FolderInfo {
    return this.read(() => folderOps.folderInfo(this.ctx, requireUser(this.ctx, address), folder));
  }

  createFolder(address: string, name: string, opts: { specialUse?: string } = {}): FolderInfo {
    const created = this.write(() => {
      const row = folderOps.createFolder(this.ctx, requireUser(this.ctx, address), name, opts.specialUse);
      return { value: row.name, changes: [] };
    });
    return this.folderInfo(address, created);
  }

  deleteFolder(address: string, name: string): void {
    this.write(() => folderOps.deleteFolder(this.ctx, requireUser(this.ctx, address), name));
  }

  renameFolder(address: string, from: string, to: string): void {
    this.write(() => folderOps.renameFolder(this.ctx, requireUser(this.ctx, address), from, to));
  }

  subscribe(address: string, name: string, on: boolean): void {
    this.write(() => {
      folderOps.subscribe(this.ctx, requireUser(this.ctx, address), name, on);
      return [];
    });
  }

  /** Subscribed names, existing or not (IMAP LSUB / LIST (SUBSCRIBED)). */
  listSubscriptions(address: string): string[] {
    return this.read(() => this.ctx.sql.subscriptionsOfUser.all(requireUser(this.ctx, address).id).map((s) => s.name));
  }

  /** First UID that is \Recent for the calling session; later sessions will not see those as recent. */
  claimRecent(address: string, folder: string): number {
    return this.write(() => {
      const row = requireFolder(this.ctx, requireUser(this.ctx, address), folder);
      return { value: folderOps.claimRecent(this.ctx, row), changes: [] };
    });
  }

  /** Bytes of all the user's messages, every folder (IMAP QUOTA STORAGE usage). */
  storageUsedBytes(address: string): number {
    return this.read(() => this.ctx.sql.userStorageBytes.get(requireUser(this.ctx, address).id)!.bytes);
  }

  // ---- messages ------------------------------------------------------------

  /** Ordered by UID; with `changedSince`, only messages whose MODSEQ is above it (CONDSTORE). */
  listMessages(address: string, folder: string, opts: { changedSince?: number } = {}): MessageSummary[] {
    return this.read(() => messageOps.listMessages(this.ctx, this.folderRow(address, folder), opts.changedSince));
  }

  getMessage(address: string, folder: string, uid: number): StoredMessage | undefined {
    return this.read(() => messageOps.getMessage(this.ctx, this.folderRow(address, folder), uid));
  }

  /**
   * UIDs in order (those above `afterUid` only, when given) and the first one not
   * \Seen: what IMAP SELECT needs, without building a summary per message.
   */
  uidList(address: string, folder: string, afterUid = 0): { uids: number[]; firstUnseenUid?: number } {
    return this.read(() => {
      const rows = this.ctx.sql.uidsAfter.all(this.folderRow(address, folder).id, afterUid);
      const uids = rows.map((r) => r[0]);
      const unseen = rows.find((r) => r[1] === 0);
      return unseen ? { uids, firstUnseenUid: unseen[0] } : { uids };
    });
  }

  /** Like messageReader, without the bytes (flag updates for IDLE). */
  summaryReader(address: string, folder: string): (uid: number) => MessageSummary | undefined {
    const row = this.read(() => this.folderRow(address, folder));
    return (uid) =>
      this.read(() => {
        const message = this.ctx.sql.messageByUid.get(row.id, uid);
        return message ? toSummary(message) : undefined;
      });
  }

  /**
   * For reading many messages of one folder one at a time (IMAP FETCH): the user and
   * folder are looked up once, each call is one statement. A folder deleted meanwhile
   * simply has no messages any more.
   */
  messageReader(address: string, folder: string): (uid: number) => StoredMessage | undefined {
    const row = this.read(() => this.folderRow(address, folder));
    return (uid) => this.read(() => messageOps.getMessageWithBody(this.ctx, row, uid));
  }

  setFlags(address: string, folder: string, uids: number[], flags: string[], op: FlagOp): MessageSummary[] {
    return this.storeFlags(address, folder, uids, flags, op).updated;
  }

  /** STORE with RFC 7162 UNCHANGEDSINCE: messages changed after it are left alone and reported. */
  storeFlags(
    address: string,
    folder: string,
    uids: number[],
    flags: string[],
    op: FlagOp,
    opts: { unchangedSince?: number } = {},
  ): FlagStoreResult {
    const normalized = normalizeFlags(flags);
    return this.write(() => {
      const row = this.folderRow(address, folder);
      const result = messageOps.storeFlags(this.ctx, row, uids, normalized, op, opts.unchangedSince);
      const { changed } = result;
      const changes: Changes =
        changed.length > 0 ? [{ address: this.owner(address), folder: row.name, kind: 'flags', uids: changed }] : [];
      return { value: result, changes };
    });
  }

  /** Removes messages marked \Deleted (only those among `uids` when given); returns the expunged UIDs. */
  expunge(address: string, folder: string, uids?: number[]): number[] {
    return this.write(() => {
      const row = this.folderRow(address, folder);
      const removed = messageOps.expunge(this.ctx, row, uids);
      return { value: removed, changes: this.changeOf(address, row.name, 'expunge', removed) };
    });
  }

  /** IMAP APPEND: synchronous and durable when it returns. Unknown folder: StoreError NONEXISTENT. */
  appendMessage(
    address: string,
    folder: string,
    raw: Buffer,
    flags: string[] = [],
    internalDate?: number,
  ): AppendResult {
    this.assertOpen();
    if (raw.length > this.maxMessageBytes) throw tooBig(this.maxMessageBytes);
    const normalized = normalizeFlags(flags);
    const header = parseHeaderSummary(raw);
    const result = this.write(() => {
      const row = this.folderRow(address, folder);
      const message = { raw, header, flags: normalized, internalDate: this.internalDate(internalDate) };
      const { uid } = messageOps.insertMessage(this.ctx, row, message);
      return {
        value: { uid, uidValidity: row.uid_validity, folder: row.name },
        changes: this.changeOf(address, row.name, 'exists', [uid]),
      };
    });
    const { folder: stored, uid } = result;
    this.events.stored({
      address: this.owner(address),
      folder: stored,
      uid,
      sizeBytes: raw.length,
      messageId: header.messageId,
      duplicate: false,
    });
    return { uid: result.uid, uidValidity: result.uidValidity };
  }

  copyMessages(address: string, fromFolder: string, uids: number[], toFolder: string): UidMapping[] {
    return this.transfer(address, fromFolder, uids, toFolder, false);
  }

  moveMessages(address: string, fromFolder: string, uids: number[], toFolder: string): UidMapping[] {
    return this.transfer(address, fromFolder, uids, toFolder, true);
  }

  // ---- change notification and lifecycle -----------------------------------

  /** For IDLE and the UI: called after the commit of every change. Returns the unsubscribe. */
  onChange(listener: StoreChangeListener): () => void {
    return this.events.onChange(listener);
  }

  /** Writes what is still queued, then closes the file (WAL is checkpointed by SQLite). */
  close(): void {
    if (!this.ctx.db.open) return;
    this.batcher.close();
    this.ctx.db.close();
  }

  // ---- internals -----------------------------------------------------------

  private transfer(address: string, fromFolder: string, uids: number[], toFolder: string, move: boolean): UidMapping[] {
    return this.write(() => {
      const from = this.folderRow(address, fromFolder);
      const to = this.folderRow(address, toFolder);
      if (move && from.id === to.id) throw cannot('Cannot move messages to the folder they are in');
      const mapping = (move ? messageOps.moveMessages : messageOps.copyMessages)(this.ctx, from, uids, to);
      const changes = this.changeOf(address, to.name, 'exists', toUids(mapping));
      if (move) changes.push(...this.changeOf(address, from.name, 'expunge', fromUids(mapping)));
      return { value: mapping, changes };
    });
  }

  private folderRow(address: string, folder: string) {
    return requireFolder(this.ctx, requireUser(this.ctx, address), folder);
  }

  private owner(address: string): string {
    return requireUser(this.ctx, address).address;
  }

  private changeOf(address: string, folder: string, kind: 'exists' | 'expunge' | 'flags', uids: number[]): Changes {
    return uids.length > 0 ? [{ address: this.owner(address), folder, kind, uids }] : [];
  }

  /** Arrival time by default; a given one must be a real epoch-ms value (SQLite would store NaN as NULL). */
  private internalDate(given: number | undefined): number {
    if (given === undefined) return this.ctx.clock.now();
    if (!Number.isSafeInteger(given) || given < 0) throw badInput('Internal date must be epoch milliseconds');
    return given;
  }

  private assertOpen(): void {
    if (!this.ctx.db.open) throw storeClosed();
  }

  /** A read; SQLite failures become temporary MailErrors. */
  private read<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (err) {
      throw storageError(err);
    }
  }

  /**
   * One IMMEDIATE transaction; listeners hear the changes after it committed.
   * `fn` returns either the changes alone or `{ value, changes }`.
   */
  private write<T = void>(fn: () => Changes | { value: T; changes: Changes }): T {
    this.assertOpen();
    let outcome: Changes | { value: T; changes: Changes };
    try {
      outcome = this.runInTransaction.immediate(fn) as typeof outcome;
    } catch (err) {
      throw storageError(err);
    }
    const { value, changes } = Array.isArray(outcome) ? { value: undefined as T, changes: outcome } : outcome;
    this.events.notify(changes);
    return value;
  }

  private afterDeliveries(outcomes: DeliveryOutcome[]): void {
    this.events.notify(existsChanges(outcomes));
    for (const { item, result, address } of outcomes) {
      if (!result || !address) continue;
      const { raw, traceId, spanId, parentSpanId } = item.input;
      const { folder, uid, messageId, duplicate } = result;
      this.events.stored(
        { address, folder, uid, sizeBytes: raw.length, messageId, duplicate },
        { traceId, spanId, parentSpanId },
      );
    }
  }
}
