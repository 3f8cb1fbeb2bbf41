/**
 * Splits command input into lines. A line ends with LF; a CR before it is dropped.
 * Lines longer than `maxLineBytes` (counting the line end) are reported once as
 * too long and the rest of that line is skipped as it arrives, so a client that
 * never sends a line end costs at most `maxLineBytes` of memory.
 */
export type LineEvent = { kind: 'line'; line: Buffer } | { kind: 'too-long' } | { kind: 'none' };

export interface LineTake {
  event: LineEvent;
  /** Bytes of the input that this call used up (also when the event is 'none'). */
  consumed: number;
}

const LF = 0x0a;
const CR = 0x0d;
const NONE: LineEvent = { kind: 'none' };
const TOO_LONG: LineEvent = { kind: 'too-long' };

export class LineReader {
  private discarding = false;

  constructor(readonly maxLineBytes = 4096) {}

  /** Takes at most one event from the front of `input`. */
  take(input: Buffer): LineTake {
    if (this.discarding) return this.skipRestOfLine(input);
    const lf = input.indexOf(LF);
    if (lf < 0) {
      if (input.length < this.maxLineBytes) return { event: NONE, consumed: 0 };
      this.discarding = true;
      return { event: TOO_LONG, consumed: input.length };
    }
    if (lf + 1 > this.maxLineBytes) return { event: TOO_LONG, consumed: lf + 1 };
    const end = lf > 0 && input[lf - 1] === CR ? lf - 1 : lf;
    return { event: { kind: 'line', line: input.subarray(0, end) }, consumed: lf + 1 };
  }

  /** Forget a half-skipped line (after STARTTLS the plaintext stream is gone). */
  reset(): void {
    this.discarding = false;
  }

  private skipRestOfLine(input: Buffer): LineTake {
    const lf = input.indexOf(LF);
    if (lf < 0) return { event: NONE, consumed: input.length };
    this.discarding = false;
    return { event: NONE, consumed: lf + 1 };
  }
}
