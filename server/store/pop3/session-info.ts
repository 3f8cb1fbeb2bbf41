/** The facts the commands keep about one POP3 connection. Plain data. */
export class Pop3SessionInfo {
  /** TLS is up (STLS done). */
  secure = false;
  /** The name given by USER, waiting for PASS. */
  pendingUser?: string;
  failedLogins = 0;
  /** The login name that opened the maildrop. */
  login?: string;

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localPort: number,
  ) {}
}
