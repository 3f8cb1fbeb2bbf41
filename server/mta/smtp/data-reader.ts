import { MessageBody } from './message-body.js';

/**
 * Reads a DATA body (RFC 5321 4.5.2): removes dot-stuffing and stops at the
 * end-of-data line. Only CRLF "." CRLF ends the body and only a line start after
 * CRLF is unstuffed; a bare LF is kept as an ordinary byte. Being strict here is
 * what keeps "SMTP smuggling" (LF.CRLF or LF.LF read as the end by one server and
 * not by the next) out of the lab. The terminator may be split across TCP chunks.
 *
 * Past `maxMessageSizeBytes` the reader keeps reading to the end (the client is still
 * sending) but keeps no bytes, so the reply can be 552 and the session stays usable.
 */
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CR_BYTE = Buffer.from([CR]);

type ReadState = 'line-start' | 'mid-line' | 'dot' | 'dot-cr';

export interface DataPush {
  /** Bytes of the chunk used; anything after the terminator is left for the command reader. */
  consumed: number;
  done: boolean;
}

export class DataReader {
  private state: ReadState = 'line-start';
  private lastByteWasCr = false;
  private readonly body: MessageBody;

  constructor(maxMessageSizeBytes: number) {
    this.body = new MessageBody(maxMessageSizeBytes);
  }

  /** Size of the unstuffed message, counted also when it is too large to keep. */
  get sizeBytes(): number {
    return this.body.sizeBytes;
  }

  get tooLarge(): boolean {
    return this.body.tooLarge;
  }

  /** The message once `done`; empty when it was too large. */
  message(): Buffer {
    return this.body.message();
  }

  push(chunk: Buffer): DataPush {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'mid-line') {
        i = this.readToLineEnd(chunk, i);
        continue;
      }
      const byte = chunk[i]!;
      if (this.state === 'line-start') {
        if (byte === DOT) i++;
        this.state = byte === DOT ? 'dot' : 'mid-line';
      } else if (this.state === 'dot') {
        // A leading dot followed by anything but CRLF was added by the client: drop it.
        if (byte === CR) i++;
        this.state = byte === CR ? 'dot-cr' : 'mid-line';
      } else {
        if (byte === LF) return { consumed: i + 1, done: true };
        // ".<CR>x": the dot was stuffing and the CR is content.
        this.append(CR_BYTE);
        this.lastByteWasCr = true;
        this.state = 'mid-line';
      }
    }
    return { consumed: chunk.length, done: false };
  }

  /** Copies up to and including the next LF; returns the index after what it took. */
  private readToLineEnd(chunk: Buffer, from: number): number {
    const lf = chunk.indexOf(LF, from);
    if (lf < 0) {
      this.append(chunk.subarray(from));
      this.lastByteWasCr = chunk[chunk.length - 1] === CR;
      return chunk.length;
    }
    const crBefore = lf > from ? chunk[lf - 1] === CR : this.lastByteWasCr;
    this.append(chunk.subarray(from, lf + 1));
    this.lastByteWasCr = false;
    this.state = crBefore ? 'line-start' : 'mid-line';
    return lf + 1;
  }

  private append(bytes: Buffer): void {
    this.body.append(bytes);
  }
}
