import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * `{SSHA}` password values, as Sun/Netscape directories store them: SHA-1 over
 * password + salt, then base64 of digest + salt. Weak by today's standards (a class
 * can see why: one fast hash), but it is the scheme the taught system used.
 */
const SHA1_BYTES = 20;
const SALT_BYTES = 8;

export function hashSsha(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** True when `password` matches a stored `{SSHA}` value. Other schemes never match. */
export function verifySsha(stored: string, password: string): boolean {
  if (!stored.toUpperCase().startsWith('{SSHA}')) return false;
  const raw = Buffer.from(stored.slice('{SSHA}'.length), 'base64');
  if (raw.length <= SHA1_BYTES) return false;
  const expected = raw.subarray(0, SHA1_BYTES);
  const salt = raw.subarray(SHA1_BYTES);
  const actual = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return timingSafeEqual(expected, actual);
}
