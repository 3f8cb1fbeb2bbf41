/**
 * A value the main thread publishes and host threads read synchronously, through
 * shared memory: its JSON text with a version number (a seqlock). A message between
 * threads would arrive "soon", and a host thread could meet a client's command before
 * it: the world clock advanced by a test, a fault switch just turned on. A read here
 * sees every publish that returned before it. Reading an unchanged value costs one
 * atomic load; a changed one is parsed once.
 */
const HEADER_INTS = 2; // [version, byte length]
const DEFAULT_CAPACITY = 64 * 1024;

export class SharedState<T> {
  private readonly header: Int32Array;
  private readonly bytes: Uint8Array;
  private seenVersion = -1;
  private value: T | undefined;

  /** On the reading side: the `buffer` of the publishing side's SharedState. */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.bytes = new Uint8Array(buffer, HEADER_INTS * 4);
  }

  /** On the publishing side. `capacity` bounds the JSON text in bytes. */
  static create<T>(initial: T, capacity = DEFAULT_CAPACITY): SharedState<T> {
    const state = new SharedState<T>(new SharedArrayBuffer(HEADER_INTS * 4 + capacity));
    state.publish(initial);
    return state;
  }

  /** Only one thread may publish. Throws (and changes nothing) when the value does not fit. */
  publish(value: T): void {
    const encoded = Buffer.from(JSON.stringify(value));
    if (encoded.length > this.bytes.length) {
      throw new Error(`shared state of ${encoded.length} bytes does not fit in ${this.bytes.length}`);
    }
    // Odd while writing: a reader that sees it (or sees it change) reads again.
    Atomics.add(this.header, 0, 1);
    this.bytes.set(encoded);
    Atomics.store(this.header, 1, encoded.length);
    Atomics.add(this.header, 0, 1);
  }

  read(): T {
    for (;;) {
      const before = Atomics.load(this.header, 0);
      if (before === this.seenVersion) return this.value as T;
      if ((before & 1) !== 0) continue; // the publisher is writing: its write is a few bytes away from done
      const length = Atomics.load(this.header, 1);
      // Copied out first: decoding straight from shared memory could see a later write.
      const text = Buffer.from(this.bytes.subarray(0, length)).toString();
      if (Atomics.load(this.header, 0) !== before) continue;
      this.value = JSON.parse(text) as T;
      this.seenVersion = before;
      return this.value;
    }
  }
}
