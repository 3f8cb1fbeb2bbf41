import type { MessageStore } from '../message-store.js';
import type { StoreChange } from '../types.js';
import { atom, encodeFetchResponse, type ResponseValue } from './syntax/response-writer.js';

/** Flags as a session shows them: the stored ones plus its own \Recent. */
export function sessionFlags(flags: readonly string[], recent: boolean): string[] {
  return recent ? [...flags, '\\Recent'] : [...flags];
}

/**
 * One session's picture of its selected mailbox: the message-number ↔ UID map
 * (RFC 3501 §2.3.1.2) and the changes it has not told its client yet. Other
 * sessions' changes arrive from store.onChange at any time, but a message number
 * only moves when this session has sent the EXPUNGE for it, so numbers stay stable
 * during FETCH, STORE and SEARCH (§7.4.1).
 */
export class MailboxView {
  private uids: number[];
  /** RFC 3501 §2.3.2: the messages this session was the first to be told about. */
  private readonly recentUids: Set<number>;
  private readonly pendingExpunge = new Set<number>();
  private readonly pendingFlags = new Set<number>();
  private pendingExists = false;

  constructor(
    private readonly store: MessageStore,
    readonly address: string,
    /** The store's spelling of the folder name (INBOX in capitals). */
    readonly folder: string,
    readonly readOnly: boolean,
    /** The folder's UIDs in ascending order. */
    uids: readonly number[],
    /** UIDs at or above it are \Recent for this session. */
    recentFrom: number,
  ) {
    this.uids = [...uids];
    this.recentUids = new Set(this.uids.filter((uid) => uid >= recentFrom));
  }

  get exists(): number {
    return this.uids.length;
  }

  get recent(): number {
    return this.recentUids.size;
  }

  isRecent(uid: number): boolean {
    return this.recentUids.has(uid);
  }

  /** Ascending UIDs; index i is message number i + 1. */
  get allUids(): readonly number[] {
    return this.uids;
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  /** Message number of a UID, 0 when not in the view. */
  seqOfUid(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const here = this.uids[mid]!;
      if (here === uid) return mid + 1;
      if (here < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  concerns(change: StoreChange): boolean {
    return change.address === this.address.toLowerCase() && change.folder === this.folder;
  }

  noteChange(change: StoreChange): void {
    if (change.kind === 'exists') this.pendingExists = true;
    else if (change.kind === 'expunge') for (const uid of change.uids) this.pendingExpunge.add(uid);
    else for (const uid of change.uids) this.pendingFlags.add(uid);
  }

  /** The command already reported these flags itself (STORE, \Seen set by FETCH). */
  flagsReported(uids: Iterable<number>): void {
    for (const uid of uids) this.pendingFlags.delete(uid);
  }

  get hasPending(): boolean {
    return this.pendingExists || this.pendingExpunge.size > 0 || this.pendingFlags.size > 0;
  }

  /**
   * Untagged responses for what changed since the client last heard. EXPUNGE only
   * when `allowExpunge` (not during FETCH, STORE, SEARCH: §7.4.1), each numbered as
   * the client sees the mailbox at that moment. With `condstore` (RFC 7162 §3.2)
   * flag updates carry the message's MODSEQ.
   */
  flush(allowExpunge: boolean, condstore = false): Buffer[] {
    const out: Buffer[] = [];
    if (allowExpunge) out.push(...this.flushExpunges());
    if (this.pendingExists) out.push(...this.flushExists());
    if (this.pendingFlags.size > 0) out.push(...this.flushFlags(condstore));
    return out;
  }

  private flushExpunges(): Buffer[] {
    const out: Buffer[] = [];
    for (const uid of [...this.pendingExpunge].sort((a, b) => b - a)) {
      const seq = this.seqOfUid(uid);
      if (seq === 0) continue;
      this.uids.splice(seq - 1, 1);
      this.recentUids.delete(uid);
      out.push(Buffer.from(`* ${seq} EXPUNGE\r\n`));
    }
    this.pendingExpunge.clear();
    return out;
  }

  private flushExists(): Buffer[] {
    this.pendingExists = false;
    const last = this.uids.at(-1) ?? 0;
    const { uids } = this.store.uidList(this.address, this.folder, last);
    const added = uids.filter((uid) => !this.pendingExpunge.has(uid));
    if (added.length === 0) return [];
    this.uids.push(...added);
    this.claimRecent(added);
    return [Buffer.from(`* ${this.uids.length} EXISTS\r\n* ${this.recent} RECENT\r\n`)];
  }

  /**
   * New arrivals are \Recent here when this session is the first to hear of them.
   * A read-only session cannot claim them; RFC 3501 §2.3.2 then says to treat them
   * as recent, since it cannot know whether it was first.
   */
  private claimRecent(added: readonly number[]): void {
    const floor = this.readOnly ? 0 : this.store.claimRecent(this.address, this.folder);
    for (const uid of added) if (uid >= floor) this.recentUids.add(uid);
  }

  private flushFlags(condstore: boolean): Buffer[] {
    const out: Buffer[] = [];
    const read = this.store.summaryReader(this.address, this.folder);
    for (const uid of [...this.pendingFlags].sort((a, b) => a - b)) {
      const seq = this.seqOfUid(uid);
      const summary = seq === 0 ? undefined : read(uid);
      if (seq === 0 || !summary) continue;
      const values: Array<[string, ResponseValue]> = [
        ['UID', uid],
        ['FLAGS', sessionFlags(summary.flags, this.isRecent(uid)).map(atom)],
      ];
      if (condstore) values.push(['MODSEQ', [summary.modseq]]);
      out.push(encodeFetchResponse(seq, values));
    }
    this.pendingFlags.clear();
    return out;
  }
}
