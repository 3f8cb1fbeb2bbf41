import { randomFillSync } from 'node:crypto';

/** Lower-case base32 without look-alike confusion worries: ids are read aloud in class. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

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

/** A random id such as `msg_k3v9q2xa`. Not time-ordered on purpose: order comes from trace seq. */
export function randomId(prefix: string, length = 10): string {
  const bytes = takeRandom(length);
  let out = '';
  // 256 is a multiple of 32, so every letter is equally likely.
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return `${prefix}_${out}`;
}

/** Session ids are per-process counters: cheap and easy to follow in a transcript. */
export function createCounter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
