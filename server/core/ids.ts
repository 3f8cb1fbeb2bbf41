import { randomFillSync } from 'node:crypto';

/**
 * Lower-case base32 without look-alike confusion worries: ids are read aloud in class.
 * In byte order, so that a number written with it sorts as the number does.
 */
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';

/**
 * Random bytes are drawn in blocks: one getrandom call per id cost ~1% of the MTA's
 * time under load (several ids per message). The block is filled on first use, not
 * at import.
 */
const BLOCK_BYTES = 4096;
const block = { bytes: Buffer.alloc(0), used: 0 };

function takeRandom(count: number): Buffer {
  if (block.used + count > block.bytes.length) {
    block.bytes = randomFillSync(Buffer.allocUnsafe(Math.max(BLOCK_BYTES, count)));
    block.used = 0;
  }
  const out = block.bytes.subarray(block.used, block.used + count);
  block.used += count;
  return out;
}

/** A random id such as `flt_k3v9q2xa`. Nothing is read from its order: order comes from trace seq. */
export function randomId(prefix: string, length = 10): string {
  return `${prefix}_${randomLetters(length)}`;
}

function randomLetters(length: number): string {
  const bytes = takeRandom(length);
  let out = '';
  // 256 is a multiple of 32, so every letter is equally likely.
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** Six letters of milliseconds (30 bits: they wrap every 12.4 days), then four random ones. */
const TIME_LETTERS = 6;
const RANDOM_LETTERS = 4;
const time = { last: 0 };

/**
 * A queue id such as `msg_k3v9q2xa7p`: six letters of the time it was made, four
 * random ones. Ids made one after the other sort one after the other, as Postfix's
 * long queue ids and Exim's do, so the queue's and the stores' indexes on them (the
 * queue id, the history by queue id, the delivery keys) grow at one end: a group
 * commit then writes one index page where random ids dirtied one per message
 * (`pwrite`s per message, end to end: 26.4 with random ids, 20.1 with these). Within
 * one thread the time part never repeats; across threads, the random tail and the
 * queue's UNIQUE constraint keep ids apart. Tell two apart by their last letters.
 * Real time, not the world clock's: nothing reads the time back, only the order counts.
 */
export function newQueueId(): string {
  let t = Math.max(Date.now(), time.last + 1);
  time.last = t;
  let head = '';
  for (let i = 0; i < TIME_LETTERS; i++) {
    head = ALPHABET[t % ALPHABET.length] + head;
    t = Math.floor(t / ALPHABET.length);
  }
  return `msg_${head}${randomLetters(RANDOM_LETTERS)}`;
}

/** Session ids are per-process counters: cheap and easy to follow in a transcript. */
export function createCounter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
