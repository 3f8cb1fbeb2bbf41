import { headerBlock, headerValue, hasHeader } from '../mta/headers.js';
import type { LabResolver } from '../dns/resolver.js';
import type { AuthOutcome, ConnectionFacts } from './types.js';

/** How long a result is reused at most (real time); the DNS answers behind it may be cached longer. */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 1000;

interface Entry {
  outcome: AuthOutcome;
  storedAtMs: number;
  dnsGeneration: number | undefined;
}

/**
 * SPF and DMARC of an unsigned message depend only on the connection (IP, HELO), the
 * envelope sender, the header From and DNS — so, as real filters do, the result is
 * reused for the next message with the same facts. A DKIM-signed message is always
 * checked (its signature is its own). An entry dies when the resolver drops its
 * cached answers (a DNS fault switched) or after a minute.
 */
export class AuthCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly resolver: LabResolver,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The cache key of a message, or undefined when it must be checked on its own (signed). */
  keyOf(raw: Buffer, connection: ConnectionFacts): string | undefined {
    const block = headerBlock(raw);
    if (hasHeader(block, 'DKIM-Signature')) return undefined;
    const from = headerValue(block, 'From') ?? '';
    return [connection.ip, connection.helo ?? '', connection.mailFrom, from.trim().toLowerCase()].join('\u0000');
  }

  get(key: string): AuthOutcome | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const fresh = this.nowMs() - entry.storedAtMs < MAX_AGE_MS && entry.dnsGeneration === this.resolver.generation;
    if (!fresh) this.entries.delete(key);
    return fresh ? entry.outcome : undefined;
  }

  set(key: string, outcome: AuthOutcome): void {
    // A failure to find out (temperror) is not an answer worth keeping.
    if ([outcome.spf, outcome.dmarc].includes('temperror')) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { outcome, storedAtMs: this.nowMs(), dnsGeneration: this.resolver.generation });
  }
}
