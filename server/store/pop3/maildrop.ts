import type { MessageStore } from '../message-store.js';
import { clientError } from './errors.js';

const INBOX = 'INBOX';
const SEEN = '\\Seen';
const DELETED = '\\Deleted';

export interface MaildropEntry {
  /** RFC 1939 message number: 1..n in UID order at login, fixed for the session. */
  number: number;
  uid: number;
  sizeBytes: number;
  deleted: boolean;
}

export interface MaildropStat {
  count: number;
  sizeBytes: number;
}

/**
 * A POP3 session's view of the user's INBOX: the messages there at login, numbered
 * once (RFC 1939 requires stable numbers; mail arriving later waits for the next
 * session), and the deletion marks that only QUIT applies to the store.
 */
export class Maildrop {
  /** Messages RETR sent that were not \Seen yet; flagged in one write at the end. */
  private readonly readUids = new Set<number>();

  private constructor(
    private readonly store: MessageStore,
    readonly address: string,
    private readonly uidValidity: number,
    private readonly entries: MaildropEntry[],
  ) {}

  /** Takes the snapshot. Two synchronous reads, so no delivery can fall between them. */
  static open(store: MessageStore, address: string): Maildrop {
    const { uidValidity } = store.folderInfo(address, INBOX);
    const entries = store
      .listMessages(address, INBOX)
      .map((m, i) => ({ number: i + 1, uid: m.uid, sizeBytes: m.sizeBytes, deleted: false }));
    return new Maildrop(store, address, uidValidity, entries);
  }

  /** Messages not marked deleted, and their octets (STAT, RSET, the login reply). */
  stat(): MaildropStat {
    let count = 0;
    let sizeBytes = 0;
    for (const entry of this.live()) {
      count++;
      sizeBytes += entry.sizeBytes;
    }
    return { count, sizeBytes };
  }

  live(): MaildropEntry[] {
    return this.entries.filter((e) => !e.deleted);
  }

  /** A message that may be used: in range and not marked deleted (RFC 1939 5). */
  entry(number: number): MaildropEntry {
    const entry = this.entries[number - 1];
    if (!entry) throw clientError('No such message');
    if (entry.deleted) throw clientError(`Message ${number} already deleted`);
    return entry;
  }

  /** UIDL: printable, at most 70 characters, never reused for another message of this mailbox. */
  uniqueId(entry: MaildropEntry): string {
    return `${this.uidValidity}.${entry.uid}`;
  }

  /** The stored bytes; fails when another client (IMAP) removed the message meanwhile. */
  read(entry: MaildropEntry): { raw: Buffer; seen: boolean } {
    const message = this.store.getMessage(this.address, INBOX, entry.uid);
    if (!message) throw clientError(`Message ${entry.number} was removed by another session`);
    return { raw: message.raw, seen: message.summary.flags.includes(SEEN) };
  }

  /**
   * RETR counts as reading. The flag is written when the session ends (QUIT or not):
   * one synchronous commit per RETR would more than double the cost of a download.
   */
  noteRead(entry: MaildropEntry): void {
    this.readUids.add(entry.uid);
  }

  /** Writes the \Seen flags of `noteRead`; safe to call more than once. */
  flushSeen(): void {
    if (this.readUids.size === 0) return;
    const uids = [...this.readUids];
    this.readUids.clear();
    this.store.setFlags(this.address, INBOX, uids, [SEEN], 'add');
  }

  markDeleted(entry: MaildropEntry): void {
    entry.deleted = true;
  }

  /** RSET: forget every deletion mark. */
  unmarkAll(): void {
    for (const entry of this.entries) entry.deleted = false;
  }

  /**
   * The UPDATE state (RFC 1939 6): flag the marked messages \Deleted and expunge
   * exactly those, so a message another client flagged is not removed by us.
   * Returns how many messages left the store.
   */
  commit(): number {
    const uids = this.entries.filter((e) => e.deleted).map((e) => e.uid);
    if (uids.length === 0) return 0;
    this.store.setFlags(this.address, INBOX, uids, [DELETED], 'add');
    return this.store.expunge(this.address, INBOX, uids).length;
  }
}
