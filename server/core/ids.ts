import { randomBytes } from 'node:crypto';

/** Lower-case base32 without look-alike confusion worries: ids are read aloud in class. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random id such as `msg_k3v9q2xa`. Not time-ordered on purpose: order comes from trace seq. */
export function randomId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return `${prefix}_${out}`;
}

/** Session ids are per-process counters: cheap and easy to follow in a transcript. */
export function createCounter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
