import type { MessageStore } from '../message-store.js';
import type { MessageSummary } from '../types.js';
import type { MailboxView } from './mailbox-view.js';
import { parseMimeTree } from './mime/parse-structure.js';
import { sectionBytes } from './mime/sections.js';
import type { SearchDate, SearchKey } from './syntax/search-keys.js';
import { setContains } from './syntax/sequence-set.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One message under test; the raw bytes are read only when a key needs them. */
export interface Candidate {
  seq: number;
  summary: MessageSummary;
}

/**
 * Evaluates SEARCH keys (RFC 3501 §6.4.4). Header and text keys are case-insensitive
 * substring matches on the raw bytes (no MIME decoding), which the RFC permits.
 */
export class SearchMatcher {
  private raw?: Buffer;
  private rawUid = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly view: MailboxView,
  ) {}

  matches(key: SearchKey, c: Candidate): boolean {
    const m = c.summary;
    switch (key.op) {
      case 'all':
        return true;
      case 'flag':
        return m.flags.includes(key.flag) === key.set;
      case 'recent':
        return this.view.isRecent(m.uid) === key.set;
      case 'seq':
        return setContains(key.set, c.seq, this.view.exists);
      case 'uid':
        return setContains(key.set, m.uid, this.view.allUids.at(-1) ?? 0);
      case 'size':
        return key.cmp === 'larger' ? m.sizeBytes > key.sizeBytes : m.sizeBytes < key.sizeBytes;
      case 'modseq':
        return m.modseq >= key.modseq;
      case 'date':
        return compareDay(key.field === 'internal' ? m.internalDate : m.date, key.cmp, key.date);
      case 'header':
        return this.headerContains(m.uid, key.field, key.value);
      case 'body':
      case 'text':
        return this.textContains(m.uid, key.op, key.value);
      case 'not':
        return !this.matches(key.key, c);
      case 'or':
        return this.matches(key.left, c) || this.matches(key.right, c);
      case 'and':
        return key.keys.every((k) => this.matches(k, c));
    }
  }

  private rawOf(uid: number): Buffer {
    if (this.rawUid !== uid || !this.raw) {
      this.raw = this.store.getMessage(this.view.address, this.view.folder, uid)?.raw ?? Buffer.alloc(0);
      this.rawUid = uid;
    }
    return this.raw;
  }

  private headerContains(uid: number, field: string, value: string): boolean {
    const raw = this.rawOf(uid);
    const lines = sectionBytes(raw, parseMimeTree(raw), 'HEADER.FIELDS', [field]).toString('utf8');
    // Without the "Name:" prefixes, so that SUBJECT "subject" does not match every message.
    const values = lines.replace(/^[^:\r\n]+:/gm, '').trim();
    if (value === '') return lines.trim() !== '';
    return values.toLowerCase().includes(value.toLowerCase());
  }

  private textContains(uid: number, op: 'body' | 'text', value: string): boolean {
    const raw = this.rawOf(uid);
    const bytes = op === 'text' ? raw : sectionBytes(raw, parseMimeTree(raw), 'TEXT');
    return bytes.toString('utf8').toLowerCase().includes(value.toLowerCase());
  }
}

/** SEARCH dates compare by calendar day, ignoring time and zone (§6.4.4). */
function compareDay(epochMs: number | undefined, cmp: 'before' | 'on' | 'since', date: SearchDate): boolean {
  if (epochMs === undefined) return false;
  const day = Math.floor(epochMs / DAY_MS);
  const wanted = Math.floor(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);
  if (cmp === 'before') return day < wanted;
  if (cmp === 'on') return day === wanted;
  return day >= wanted;
}
