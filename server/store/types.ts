/**
 * The message store's public types. The LMTP listener, IMAP, POP3 and the control
 * API all see mailboxes through these shapes; none of them sees SQL.
 */

/** RFC 6154 special-use attributes a folder may carry. */
export type SpecialUse = '\\All' | '\\Archive' | '\\Drafts' | '\\Flagged' | '\\Junk' | '\\Sent' | '\\Trash';

export interface FolderInfo {
  /** UTF-8 name with "/" as hierarchy delimiter; "INBOX" is always spelled in capitals. */
  name: string;
  specialUse?: SpecialUse;
  /** 32-bit, fixed for the life of the folder (a deleted and recreated folder gets a new one). */
  uidValidity: number;
  /** The UID the next message will get; never goes down, even after expunge. */
  uidNext: number;
  /** RFC 7162 HIGHESTMODSEQ: bumped by every store, flag change and expunge. */
  highestModseq: number;
  messages: number;
  unseen: number;
  /** RFC 3501 \Recent: messages no session has been told about yet (STATUS RECENT). */
  recent: number;
  subscribed: boolean;
}

export interface MessageSummary {
  uid: number;
  /** RFC 7162 MODSEQ of the last change to this message. */
  modseq: number;
  /** As in the header, angle brackets included; undefined when there is none. */
  messageId?: string;
  /** Decoded (RFC 2047) text; "" when missing. */
  subject: string;
  from: string;
  to: string;
  /** The Date header in epoch ms; undefined when missing or unreadable. */
  date?: number;
  sizeBytes: number;
  /** System flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) and keywords, sorted. */
  flags: string[];
  /** IMAP INTERNALDATE in epoch ms (arrival time for deliveries). */
  internalDate: number;
}

export interface StoredMessage {
  summary: MessageSummary;
  raw: Buffer;
}

export interface DeliverInput {
  address: string;
  /** Default INBOX; an unknown folder falls back to INBOX (as Sieve fileinto would). */
  folder?: string;
  raw: Buffer;
  /** `<queueId>:<recipient>` from the queue: a second delivery with the same key stores nothing. */
  dedupeKey?: string;
  flags?: string[];
  internalDate?: number;
  /** For the `mailbox.stored` trace event, when the caller knows the message's trace. */
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
}

export interface DeliverResult {
  uid: number;
  folder: string;
  /** True when `dedupeKey` was seen before: nothing was stored, `uid` is the first delivery's. */
  duplicate: boolean;
  messageId?: string;
}

export interface AppendResult {
  uid: number;
  uidValidity: number;
}

export interface UidMapping {
  fromUid: number;
  toUid: number;
}

export type FlagOp = 'add' | 'remove' | 'replace';

/** Result of a conditional flag change (RFC 7162 UNCHANGEDSINCE). */
export interface FlagStoreResult {
  /** Every targeted message that exists and passed the condition, after the change. */
  updated: MessageSummary[];
  /** UIDs refused because their MODSEQ was above `unchangedSince`. */
  modified: number[];
  /** UIDs whose flags really changed (and so got a new MODSEQ). */
  changed: number[];
}

export interface StoreChange {
  /** Lower-case address of the mailbox owner. */
  address: string;
  folder: string;
  kind: 'exists' | 'expunge' | 'flags';
  uids: number[];
}

export type StoreChangeListener = (change: StoreChange) => void;

/** Counters that show group commit at work (tests and the bench read them). */
export interface DeliveryStats {
  /** Transactions that carried deliveries. */
  batches: number;
  /** Deliveries that stored a message. */
  stored: number;
  /** Deliveries answered from the dedupe table. */
  duplicates: number;
  /** Deliveries refused (unknown mailbox, storage error, ...). */
  refused: number;
  largestBatch: number;
}
