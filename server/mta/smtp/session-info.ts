import type { Protocol } from '../../api/trace.js';
import type { SmtpEnvelope, SmtpSession } from './types.js';

/** Where a session is in the dialogue: before EHLO, between transactions, inside one. */
export type SessionState = 'greeted' | 'ready' | 'mail';

/**
 * What the hooks see of a session (the SmtpSession contract) plus the few facts the
 * commands need to keep. Plain data: the connection logic lives in session.ts.
 */
export class SessionInfo implements SmtpSession {
  clientHostname?: string;
  reverseName?: string;
  secure = false;
  user?: string;
  transmissionType: string;
  envelope: SmtpEnvelope = { rcptTo: [] };
  /** The client said EHLO/LHLO (service extensions), not HELO. */
  extended = false;

  constructor(
    readonly id: string,
    readonly protocol: Protocol,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localPort: number,
    readonly lmtp: boolean,
  ) {
    this.transmissionType = lmtp ? 'LMTP' : 'ESMTP';
  }

  /** RFC 3848 "with" keyword for Received: ESMTP, ESMTPS, ESMTPA, ESMTPSA, LMTP..., or plain SMTP. */
  updateTransmissionType(): void {
    const base = this.lmtp ? 'LMTP' : this.extended ? 'ESMTP' : 'SMTP';
    if (base === 'SMTP') {
      this.transmissionType = base;
      return;
    }
    this.transmissionType = base + (this.secure ? 'S' : '') + (this.user ? 'A' : '');
  }
}
