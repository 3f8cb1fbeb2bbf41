/**
 * DNS over TCP frames each message with a two-byte length (RFC 1035 §4.2.2), and a
 * connection may carry many (RFC 7766 §6.2.1). This reader collects bytes until whole
 * messages are there. Memory stays bounded: a frame is at most 65,535 bytes and is
 * handed out as soon as it is complete.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Add received bytes; returns every message they complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      frames.push(Buffer.from(this.pending.subarray(2, 2 + length)));
      this.pending = this.pending.subarray(2 + length);
    }
    return frames;
  }

  /** Bytes of a message still incomplete (for tests). */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}

/** One message with its length prefix, ready to write on a TCP connection. */
export function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length, 0);
  return Buffer.concat([prefix, message]);
}

/** Largest message a TCP frame can carry. */
export const MAX_TCP_MESSAGE_BYTES = 0xffff;
