import type { DataPush } from './data-reader.js';

/**
 * The body of a BDAT transaction (RFC 3030 CHUNKING): the chunks of one message,
 * joined, with the same size limit as DATA. Past the limit it keeps counting but
 * keeps no bytes, so the reply can be 552 while the session stays in step.
 */
export class ChunkedBody {
  private parts: Buffer[] = [];
  private storedBytes = 0;
  private totalBytes = 0;
  private overLimit = false;

  constructor(private readonly maxMessageSizeBytes: number) {}

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

/**
 * Reads exactly the octets one BDAT command announced. No dot-stuffing and no
 * terminator: the count says where the chunk ends, and whatever follows it is the
 * next command. `into` undefined: the chunk is read and thrown away (a refused BDAT
 * must still consume its octets, or they would be read as commands).
 */
export class ChunkReader {
  private remaining: number;

  constructor(
    size: number,
    private readonly into: ChunkedBody | undefined,
  ) {
    this.remaining = size;
  }

  get done(): boolean {
    return this.remaining === 0;
  }

  push(chunk: Buffer): DataPush {
    const take = Math.min(this.remaining, chunk.length);
    if (take > 0) this.into?.append(chunk.subarray(0, take));
    this.remaining -= take;
    return { consumed: take, done: this.remaining === 0 };
  }
}
