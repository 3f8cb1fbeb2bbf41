import { connect, type Socket } from 'node:net';

/**
 * A raw SMTP conversation for tests: send exact bytes, read whole replies (multi-line
 * replies joined), so a test can check what a client really sees on the wire.
 */
export class SmtpTalk {
  private buffer = '';
  private replies: string[] = [];
  private waiters: Array<(reply: string) => void> = [];
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        // Whoever still waits for a reply gets "" rather than waiting forever.
        for (const waiter of this.waiters.splice(0)) waiter('');
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<SmtpTalk> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SmtpTalk(socket);
  }

  /** Next complete reply, e.g. "250-mta...\n250 SIZE 10485760". */
  reply(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.socket.destroyed) return Promise.resolve('');
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async send(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  write(raw: string): void {
    this.socket.write(raw);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\r\n');
    this.buffer = lines.pop() ?? '';
    let pending: string[] = [];
    for (const line of lines) {
      pending.push(line);
      if (line[3] === '-') continue;
      const reply = pending.join('\n');
      pending = [];
      const waiter = this.waiters.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    }
    if (pending.length > 0) this.buffer = pending.join('\r\n') + '\r\n' + this.buffer;
  }
}
