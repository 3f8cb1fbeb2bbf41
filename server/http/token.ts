/**
 * The control token: whoever holds it drives the world, so it lives in a file only
 * the user can read and is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const TOKEN_FILE = 'control-token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

/** Reads `<dataDir>/control-token`, or writes a fresh 32-byte hex token there (mode 0600). */
export function loadOrCreateToken(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, TOKEN_FILE);
  const existing = readTokenFile(file);
  if (existing !== undefined) {
    // A file copied around may have lost its mode; the token must stay private.
    fs.chmodSync(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('hex');
  // Write beside it and rename so a crash never leaves a half-written token, and the
  // file is private from the first byte (open with 0600, not chmod afterwards).
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${token}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
  return token;
}

function readTokenFile(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const token = text.trim();
  return TOKEN_PATTERN.test(token) ? token : undefined;
}

/**
 * Constant-time comparison. Both sides are hashed first so that neither the content
 * nor the length of the expected token leaks through timing.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
