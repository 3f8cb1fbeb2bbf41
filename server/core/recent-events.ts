/**
 * The newest trace events, kept as lines of UTF-8 JSON in large buffers outside the
 * JavaScript heap. A busy world emits some 25,000 events a second; kept as strings,
 * each one lived long enough to be copied by two scavenges and then promoted, and
 * the garbage collector paid for all of them (keeping 1,000 instead of 20,000 saved
 * about 2.5% of the world's CPU at 1,250 messages a second). Here an event costs one
 * UTF-8 write, and readers decode the few they ask for.
 *
 * Events are numbered consecutively. Each is written whole into one chunk, followed
 * by "\n" (JSON text never holds a raw newline), so the events between two seqs are
 * one run of bytes per chunk: that is what goes to the trace writer.
 */
const NEWLINE = 0x0a;
/** UTF-8 needs at most three bytes for one UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3;

interface Chunk {
  bytes: Buffer;
  /** Bytes of `bytes` in use. */
  used: number;
  /** Position of bytes[0] in the stream of all events ever written. */
  base: number;
}

export class RecentEvents {
  private chunks: Chunk[] = [];
  /**
   * starts[i], i < count: stream position of event `firstSeq + i`; it ends where the
   * next one starts. A typed array, grown by doubling and compacted in place: a plain
   * array of this size was reallocated in the old generation again and again.
   */
  private starts = new Float64Array(1024);
  /** Buffers of dropped chunks, written again: a fresh megabyte is a few hundred page faults. */
  private spare: Buffer[] = [];
  private count = 0;
  private firstSeq = 1;
  /** Stream position after the last event. */
  private end = 0;

  constructor(
    /** Size of a chunk (an event larger than this gets a chunk of its own). */
    private readonly chunkBytes = 1024 * 1024,
    /** Chunks kept by `trim`: the memory budget, a few tens of thousands of events. */
    private readonly keepChunks = 16,
  ) {}

  /** The oldest event held, or undefined when none is. */
  get oldestSeq(): number | undefined {
    return this.count > 0 ? this.firstSeq : undefined;
  }

  get newestSeq(): number {
    return this.firstSeq + this.count - 1;
  }

  /** Normally `seq` follows the newest one held; one that does not starts the memory over from it. */
  append(seq: number, json: string): void {
    if (this.count > 0 && seq !== this.newestSeq + 1) this.clear();
    if (this.count === 0) this.firstSeq = seq;
    let chunk = this.chunks.at(-1);
    const room = json.length * MAX_BYTES_PER_CHAR + 1;
    if (chunk === undefined || chunk.bytes.length - chunk.used < room) {
      const size = Math.max(this.chunkBytes, room);
      const bytes = size === this.chunkBytes ? this.spare.pop() : undefined;
      chunk = { bytes: bytes ?? Buffer.allocUnsafeSlow(size), used: 0, base: this.end };
      this.chunks.push(chunk);
    }
    const written = chunk.bytes.write(json, chunk.used, 'utf8');
    chunk.bytes[chunk.used + written] = NEWLINE;
    if (this.count === this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count++] = this.end;
    chunk.used += written + 1;
    this.end += written + 1;
  }

  /** The JSON texts of events after `afterSeq`, at most `limit`; only events still held. */
  texts(afterSeq: number, limit: number): string[] {
    const texts: string[] = [];
    const from = Math.max(afterSeq + 1, this.firstSeq);
    for (let seq = from; seq <= this.newestSeq && texts.length < limit; seq++) {
      const start = this.starts[seq - this.firstSeq]!;
      const chunk = this.chunkAt(start);
      const offset = start - chunk.base;
      const length = this.endOf(seq) - start - 1;
      texts.push(chunk.bytes.toString('utf8', offset, offset + length));
    }
    return texts;
  }

  /**
   * Events `from`..`to` as newline-separated JSON (no newline after the last), in a
   * fresh buffer of its own that can be transferred to another thread. Undefined if
   * `from` is no longer held.
   */
  lines(from: number, to: number): Uint8Array<ArrayBuffer> | undefined {
    if (from < this.firstSeq || to > this.newestSeq || from > to) return undefined;
    const start = this.starts[from - this.firstSeq]!;
    const stop = this.endOf(to) - 1;
    const out = new Uint8Array(stop - start);
    for (const chunk of this.chunks) {
      const a = Math.max(start, chunk.base);
      const b = Math.min(stop, chunk.base + chunk.used);
      if (a < b) out.set(chunk.bytes.subarray(a - chunk.base, b - chunk.base), a - start);
    }
    return out;
  }

  /** Drops the oldest chunks past the budget (the caller has sent what they hold). */
  trim(): void {
    const drop = this.chunks.length - this.keepChunks;
    if (drop <= 0) return;
    for (const { bytes } of this.chunks.slice(0, drop)) this.keepSpare(bytes);
    this.chunks = this.chunks.slice(drop);
    const firstKept = this.chunks[0]!.base;
    let gone = 0;
    while (gone < this.count && this.starts[gone]! < firstKept) gone++;
    this.starts.copyWithin(0, gone, this.count);
    this.count -= gone;
    this.firstSeq += gone;
  }

  private clear(): void {
    for (const { bytes } of this.chunks) this.keepSpare(bytes);
    this.chunks = [];
    this.count = 0;
  }

  private keepSpare(bytes: Buffer): void {
    if (bytes.length === this.chunkBytes && this.spare.length < 2) this.spare.push(bytes);
  }

  private endOf(seq: number): number {
    return seq < this.newestSeq ? this.starts[seq + 1 - this.firstSeq]! : this.end;
  }

  private chunkAt(position: number): Chunk {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      if (this.chunks[i]!.base <= position) return this.chunks[i]!;
    }
    throw new Error(`trace position ${position} is no longer held`);
  }
}
