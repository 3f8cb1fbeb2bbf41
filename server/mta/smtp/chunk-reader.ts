import type { DataPush } from './data-reader.js';
import type { MessageBody } from './message-body.js';

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
    private readonly into: MessageBody | undefined,
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
