import { readHeader } from './ber.js';

/** LDAPMessage is a SEQUENCE (RFC 4511 §4.2). */
const LDAP_MESSAGE_TAG = 0x30;

/**
 * Splits a byte stream into whole LDAP messages, for both ends: the directory
 * server frames its clients' requests with it (refusing one too big from its header
 * alone), the directory client its server's replies.
 */
export class LdapFramer {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes: number) {}

  /** The complete messages now available, or the reason the stream cannot go on. */
  push(chunk: Buffer): { messages: Buffer[]; problem?: string } {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      const header = readHeader(this.buffered);
      if (header === undefined) return { messages };
      if (typeof header === 'string') return { messages, problem: header };
      if (header.tag !== LDAP_MESSAGE_TAG) return { messages, problem: 'not an LDAP message (expected a SEQUENCE)' };
      if (header.contentBytes > this.maxMessageBytes) {
        return {
          messages,
          problem: `message of ${header.contentBytes} bytes exceeds the limit of ${this.maxMessageBytes}`,
        };
      }
      const total = header.headerBytes + header.contentBytes;
      if (this.buffered.length < total) return { messages };
      messages.push(this.buffered.subarray(0, total));
      this.buffered = this.buffered.subarray(total);
    }
  }
}
