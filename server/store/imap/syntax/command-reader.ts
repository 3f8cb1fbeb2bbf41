/**
 * Streaming IMAP command reader. Bytes go in with `feed()` in any chunking; events
 * come out one at a time with `next()`, so the server can switch to raw-line mode
 * (IDLE's DONE, AUTHENTICATE responses) between two events of the same chunk.
 *
 * Memory is bounded: a line is at most `maxLineBytes`, a literal at most
 * `maxLiteralBytes`, a whole command at most `maxCommandBytes`. An oversized LITERAL+
 * literal is discarded as it streams past (RFC 7888 §4: the client sends it anyway);
 * an oversized synchronising literal is refused before the client sends it.
 * A bare LF is accepted as a line end, as most servers do, for hand-typed sessions.
 */
import { parseCommand, tagOfLine } from './parse-command.js';
import { ImapSyntaxError, type ImapCommand } from './types.js';

export type ReaderEvent =
  | { kind: 'command'; command: ImapCommand }
  /** Send `+ Ready for literal data` now; the client waits for it. */
  | { kind: 'need-continuation'; tag: string; sizeBytes: number }
  /** Answer `tag BAD text` (or `* BAD` without a tag) and carry on with the next command. */
  | { kind: 'error'; tag?: string; text: string }
  /** Answer `tag NO [TOOBIG] ...`; a LITERAL+ literal is being discarded for you. */
  | { kind: 'literal-too-big'; tag?: string; sizeBytes: number; synchronizing: boolean }
  /** In raw-line mode: one line without its CRLF. */
  | { kind: 'line'; line: string };

export interface CommandReaderOptions {
  maxLineBytes?: number;
  maxLiteralBytes?: number;
  maxCommandBytes?: number;
}

type State =
  | { name: 'line' }
  | { name: 'literal'; remaining: number }
  | { name: 'skip'; remaining: number }
  /** Throw away input up to the end of the line (after an error mid-command). */
  | { name: 'discard-line' };

const LITERAL_MARKER = /\{(\d{1,20})(\+?)\}$/;

export class CommandReader {
  private readonly maxLineBytes: number;
  private readonly maxLiteralBytes: number;
  private readonly maxCommandBytes: number;
  private input: Buffer[] = [];
  private inputBytes = 0;
  private state: State = { name: 'line' };
  private lineParts: Buffer[] = [];
  private lineBytes = 0;
  /** The last bytes of a line being discarded: it may end in a LITERAL+ marker. */
  private discardTail = '';
  private texts: Buffer[] = [];
  private literals: Buffer[] = [];
  private literalParts: Buffer[] = [];
  private commandBytes = 0;
  private rawLines = false;

  constructor(opts: CommandReaderOptions = {}) {
    this.maxLineBytes = opts.maxLineBytes ?? 64 * 1024;
    this.maxLiteralBytes = opts.maxLiteralBytes ?? 50 * 1024 * 1024;
    this.maxCommandBytes = opts.maxCommandBytes ?? this.maxLiteralBytes + 1024 * 1024;
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.input.push(chunk);
    this.inputBytes += chunk.length;
  }

  /** Raw-line mode: every line is returned as a `line` event (IDLE, AUTHENTICATE). */
  setRawLineMode(on: boolean): void {
    this.rawLines = on;
  }

  /** Bytes held: unread input, the current line, and the command collected so far. */
  get bufferedBytes(): number {
    return this.inputBytes + this.lineBytes + this.commandBytes;
  }

  /** Feed then drain: convenient when no mode switch can happen mid-chunk. */
  push(chunk: Buffer): ReaderEvent[] {
    this.feed(chunk);
    const out: ReaderEvent[] = [];
    for (let ev = this.next(); ev; ev = this.next()) out.push(ev);
    return out;
  }

  /** The next event, or undefined when more input is needed. */
  next(): ReaderEvent | undefined {
    while (this.inputBytes > 0) {
      const ev = this.step();
      if (ev) return ev;
    }
    // A zero-length literal completes without any input.
    if (this.state.name === 'literal' && this.state.remaining === 0) return this.finishLiteral();
    return undefined;
  }

  private step(): ReaderEvent | undefined {
    switch (this.state.name) {
      case 'line':
        return this.stepLine();
      case 'literal':
        return this.stepLiteral(this.state);
      case 'skip':
        this.state.remaining -= this.take(this.state.remaining).length;
        if (this.state.remaining === 0) this.state = { name: 'discard-line' };
        return undefined;
      case 'discard-line':
        return this.stepDiscard();
    }
  }

  /** Takes up to n bytes of input (a view into the chunk, no copy). */
  private take(n: number): Buffer {
    const head = this.input[0];
    if (!head) return Buffer.alloc(0);
    const piece = head.length <= n ? head : head.subarray(0, n);
    if (piece === head) this.input.shift();
    else this.input[0] = head.subarray(n);
    this.inputBytes -= piece.length;
    return piece;
  }

  /** Takes input up to and including the next LF, or the whole head chunk. */
  private takeToEol(): { piece: Buffer; eol: boolean } {
    const head = this.input[0]!;
    const lf = head.indexOf(0x0a);
    const piece = this.take(lf < 0 ? head.length : lf + 1);
    return { piece, eol: lf >= 0 };
  }

  private stepLine(): ReaderEvent | undefined {
    const { piece, eol } = this.takeToEol();
    if (this.lineBytes + piece.length > this.maxLineBytes + 2) {
      const tag = this.currentTag(piece);
      this.resetCommand();
      this.discardTail = piece.subarray(-32).toString('latin1');
      this.state = eol ? { name: 'line' } : { name: 'discard-line' };
      if (eol) this.afterDiscardedLine();
      return { kind: 'error', tag, text: `Line too long (over ${this.maxLineBytes} bytes)` };
    }
    this.lineParts.push(piece);
    this.lineBytes += piece.length;
    if (!eol) return undefined;
    const line = stripCrlf(Buffer.concat(this.lineParts));
    this.lineParts = [];
    this.lineBytes = 0;
    if (this.rawLines && this.texts.length === 0) return { kind: 'line', line: line.toString('utf8') };
    return this.endOfLine(line);
  }

  private currentTag(piece: Buffer): string | undefined {
    const first = this.texts[0] ?? Buffer.concat([...this.lineParts, piece.subarray(0, 64)]);
    return tagOfLine(first);
  }

  private endOfLine(line: Buffer): ReaderEvent | undefined {
    const tag = tagOfLine(this.texts[0] ?? line);
    const tail = line.subarray(-24).toString('latin1');
    const m = LITERAL_MARKER.exec(tail);
    this.texts.push(line);
    this.commandBytes += line.length;
    if (!m) return this.finishCommand();
    const sizeBytes = Number(m[1]);
    const synchronizing = m[2] !== '+';
    if (!tag) {
      this.resetCommand();
      if (!synchronizing) this.state = { name: 'skip', remaining: sizeBytes };
      return { kind: 'error', text: 'Missing or invalid tag' };
    }
    if (sizeBytes > this.maxLiteralBytes || this.commandBytes + sizeBytes > this.maxCommandBytes) {
      this.resetCommand();
      // A synchronising literal is never sent once we refuse it (RFC 3501 §7.5).
      if (!synchronizing) this.state = { name: 'skip', remaining: sizeBytes };
      return { kind: 'literal-too-big', tag, sizeBytes, synchronizing };
    }
    this.state = { name: 'literal', remaining: sizeBytes };
    if (synchronizing) return { kind: 'need-continuation', tag, sizeBytes };
    return undefined;
  }

  private stepLiteral(state: { remaining: number }): ReaderEvent | undefined {
    const piece = this.take(state.remaining);
    this.literalParts.push(piece);
    this.commandBytes += piece.length;
    state.remaining -= piece.length;
    return state.remaining === 0 ? this.finishLiteral() : undefined;
  }

  private finishLiteral(): undefined {
    this.literals.push(Buffer.concat(this.literalParts));
    this.literalParts = [];
    this.state = { name: 'line' };
    return undefined;
  }

  private stepDiscard(): undefined {
    const { piece, eol } = this.takeToEol();
    this.discardTail = (this.discardTail + piece.subarray(-32).toString('latin1')).slice(-32);
    if (eol) this.afterDiscardedLine();
    return undefined;
  }

  /** A discarded line ending in `{n+}` is followed by n bytes the client sends regardless. */
  private afterDiscardedLine(): void {
    const m = LITERAL_MARKER.exec(this.discardTail.replace(/\r?\n$/, ''));
    this.discardTail = '';
    this.state = m && m[2] === '+' ? { name: 'skip', remaining: Number(m[1]) } : { name: 'line' };
  }

  private finishCommand(): ReaderEvent {
    const parts = { texts: this.texts, literals: this.literals };
    const tag = tagOfLine(this.texts[0]!);
    this.resetCommand();
    try {
      return { kind: 'command', command: parseCommand(parts) };
    } catch (err) {
      if (!(err instanceof ImapSyntaxError)) throw err;
      return tag ? { kind: 'error', tag, text: err.message } : { kind: 'error', text: err.message };
    }
  }

  private resetCommand(): void {
    this.texts = [];
    this.literals = [];
    this.literalParts = [];
    this.lineParts = [];
    this.lineBytes = 0;
    this.commandBytes = 0;
    this.state = { name: 'line' };
  }
}

function stripCrlf(line: Buffer): Buffer {
  let end = line.length;
  if (line[end - 1] === 0x0a) end -= 1;
  if (line[end - 1] === 0x0d) end -= 1;
  return line.subarray(0, end);
}
