/** The facts the pre-login commands keep about one client connection. Plain data. */
export class MmpPop3SessionInfo {
  /** TLS is up between the client and the MMP (STLS done). */
  secure = false;
  /** The name given by USER, waiting for PASS. */
  pendingUser?: string;
  failedLogins = 0;

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localPort: number,
  ) {}
}
