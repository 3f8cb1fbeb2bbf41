/**
 * RFC 1939 4: a session that logs in gets an exclusive-access lock on the maildrop,
 * so two clients cannot both download and delete the same messages. The lock lives
 * in one Pop3Server (IMAP sessions are not excluded: they see POP3 deletions as
 * ordinary expunges).
 */
export class MaildropLocks {
  private readonly holders = new Map<string, string>();

  /** True when `sessionId` now holds the lock on `address` (also if it already did). */
  acquire(address: string, sessionId: string): boolean {
    const key = address.toLowerCase();
    const holder = this.holders.get(key);
    if (holder !== undefined && holder !== sessionId) return false;
    this.holders.set(key, sessionId);
    return true;
  }

  release(address: string, sessionId: string): void {
    const key = address.toLowerCase();
    if (this.holders.get(key) === sessionId) this.holders.delete(key);
  }
}
