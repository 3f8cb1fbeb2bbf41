import type { Socket } from 'node:net';

/**
 * How the lab's line-protocol sessions (SMTP, LMTP, POP3, IMAP, the MMP) write their
 * replies: a pipelined batch is corked into one socket write, and a client that
 * pipelines without reading our replies makes the session stop taking commands until
 * the socket has drained, instead of buffering replies without end.
 */
export class ReplyCork {
  private corked?: Socket;
  /** True while the session waits for the client to read (its input is not taken meanwhile). */
  awaitingDrain = false;

  get isCorked(): boolean {
    return this.corked !== undefined;
  }

  /** Cork the session's current socket (after STARTTLS that is the TLS socket). */
  cork(socket: Socket): void {
    if (this.corked || socket.destroyed) return;
    this.corked = socket;
    socket.cork();
  }

  uncork(): void {
    const socket = this.corked;
    this.corked = undefined;
    socket?.uncork();
  }

  async waitForClientToRead(socket: Socket): Promise<void> {
    if (!socket.writableNeedDrain || socket.destroyed) return;
    this.uncork();
    this.awaitingDrain = true;
    await untilDrained(socket);
    this.awaitingDrain = false;
    this.cork(socket);
  }
}

/** Resolves when the socket's write buffer has drained, or the socket closed. */
export function untilDrained(socket: Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
