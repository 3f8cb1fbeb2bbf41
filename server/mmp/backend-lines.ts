import type { Socket } from 'node:net';
import { LineReader } from '../mta/smtp/line-reader.js';

const EMPTY = Buffer.alloc(0);

/**
 * Reply lines from a store's back end (IMAP or POP3) while the MMP logs in there,
 * read one at a time; a failure ends every wait. Once logged in, `detach` hands the
 * socket to the relay with whatever was read past the last line.
 */
export class BackendLines {
  private buffer: Buffer = EMPTY;
  private readonly reader: LineReader;
  private failure?: Error;
  private wake?: () => void;

  constructor(
    private readonly socket: Socket,
    maxLineBytes: number,
  ) {
    this.reader = new LineReader(maxLineBytes);
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  fail(reason: string): void {
    this.failure ??= new Error(reason);
    this.socket.destroy();
    this.notify();
  }

  async next(): Promise<string> {
    for (;;) {
      if (this.failure) throw this.failure;
      const { event, consumed } = this.reader.take(this.buffer);
      this.buffer = this.buffer.subarray(consumed);
      if (event.kind === 'line') return event.line.toString('utf8');
      if (event.kind === 'too-long') throw new Error('reply line too long');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Hands the socket over (to the relay): stop reading, return what was read past the last line. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    // Removing the data listener does not stop the flow; paused, nothing is lost until the relay pipes it.
    this.socket.pause();
    // The error listener stays until the relay adds its own: an unheard 'error' would crash the process.
    return this.buffer;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.notify();
  };

  private readonly onError = (err: NodeJS.ErrnoException): void => {
    this.failure ??= new Error(err.code ? `${err.code} ${err.message}` : err.message);
    this.notify();
  };

  private readonly onClose = (): void => {
    this.failure ??= new Error('connection closed by the back end');
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The back end could not be used: close it, and say why. */
export function giveUp(socket: Socket, reason: string): { kind: 'unavailable'; reason: string } {
  socket.destroy();
  return { kind: 'unavailable', reason };
}

/** A back-end line as it may appear in a reason: short and quoted (only replies are quoted, never a password). */
export function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}
