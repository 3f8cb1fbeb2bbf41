/**
 * A message body as it arrives, in pieces, with the listener's size limit. Past the
 * limit it keeps counting but keeps no bytes, so the reply can be 552 while the
 * session stays in step with a client that is still sending. Used by the DATA reader
 * and, across several BDAT chunks, by CHUNKING.
 */
export class MessageBody {
  private parts: Buffer[] = [];
  private storedBytes = 0;
  private totalBytes = 0;
  private overLimit = false;

  constructor(private readonly maxMessageSizeBytes: number) {}

  /** Size of the message, counted also when it is too large to keep. */
  get sizeBytes(): number {
    return this.totalBytes;
  }

  get tooLarge(): boolean {
    return this.overLimit;
  }

  /** The message so far; empty once it was too large. */
  message(): Buffer {
    return Buffer.concat(this.parts, this.storedBytes);
  }

  append(bytes: Buffer): void {
    this.totalBytes += bytes.length;
    if (this.overLimit || bytes.length === 0) return;
    if (this.totalBytes > this.maxMessageSizeBytes) {
      this.overLimit = true;
      this.parts = [];
      this.storedBytes = 0;
      return;
    }
    this.parts.push(bytes);
    this.storedBytes += bytes.length;
  }
}
