import type { MessageStore } from '../message-store.js';
import type { MessageSummary, StoreChange } from '../types.js';
import { atom, encodeFetchResponse } from './syntax/response-writer.js';

/**
 * One session's picture of its selected mailbox: the message-number ↔ UID map
 * (RFC 3501 §2.3.1.2) and the changes it has not told its client yet. Other
 * sessions' changes arrive from store.onChange at any time, but a message number
 * only moves when this session has sent the EXPUNGE for it, so numbers stay stable
 * during FETCH, STORE and SEARCH (§7.4.1).
 */
export class MailboxView {
  private uids: number[];
  private readonly pendingExpunge = new Set<number>();
  private readonly pendingFlags = new Set<number>();
  private pendingExists = false;

  constructor(
    private readonly store: MessageStore,
    readonly address: string,
    /** The store's spelling of the folder name (INBOX in capitals). */
    readonly folder: string,
    readonly readOnly: boolean,
    messages: readonly MessageSummary[],
    /** First UID that is \Recent for this session. */
    readonly recentFrom: number,
  ) {
    this.uids = messages.map((m) => m.uid);
  }

  get exists(): number {
    return this.uids.length;
  }

  get recent(): number {
    return this.uids.filter((uid) => uid >= this.recentFrom).length;
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
   * the client sees the mailbox at that moment.
   */
  flush(allowExpunge: boolean): Buffer[] {
    const out: Buffer[] = [];
    if (allowExpunge) out.push(...this.flushExpunges());
    if (!this.pendingExists && this.pendingFlags.size === 0) return out;
    const current = this.store.listMessages(this.address, this.folder);
    if (this.pendingExists) out.push(...this.flushExists(current));
    if (this.pendingFlags.size > 0) out.push(...this.flushFlags(current));
    return out;
  }

  private flushExpunges(): Buffer[] {
    const out: Buffer[] = [];
    for (const uid of [...this.pendingExpunge].sort((a, b) => b - a)) {
      const seq = this.seqOfUid(uid);
      if (seq === 0) continue;
      this.uids.splice(seq - 1, 1);
      out.push(Buffer.from(`* ${seq} EXPUNGE\r\n`));
    }
    this.pendingExpunge.clear();
    return out;
  }

  private flushExists(current: readonly MessageSummary[]): Buffer[] {
    this.pendingExists = false;
    const last = this.uids.at(-1) ?? 0;
    const added = current.filter((m) => m.uid > last && !this.pendingExpunge.has(m.uid)).map((m) => m.uid);
    if (added.length === 0) return [];
    this.uids.push(...added);
    return [Buffer.from(`* ${this.uids.length} EXISTS\r\n`)];
  }

  private flushFlags(current: readonly MessageSummary[]): Buffer[] {
    const out: Buffer[] = [];
    const byUid = new Map(current.map((m) => [m.uid, m]));
    for (const uid of [...this.pendingFlags].sort((a, b) => a - b)) {
      const seq = this.seqOfUid(uid);
      const summary = byUid.get(uid);
      if (seq === 0 || !summary) continue;
      out.push(
        encodeFetchResponse(seq, [
          ['UID', uid],
          ['FLAGS', summary.flags.map(atom)],
        ]),
      );
    }
    this.pendingFlags.clear();
    return out;
  }
}
