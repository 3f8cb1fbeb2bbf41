/**
 * A load generator in the manner of Postfix's smtp-source: N concurrent sessions,
 * each command sent on its own and its reply awaited (no pipelining), a fixed-size
 * message, and either a new connection per message (the default of smtp-source) or
 * one persistent session per worker. Runs as its own process so it does not share
 * the event loop of the world it measures.
 *
 *   tsx bench/smtp-source.ts PORT MESSAGES SESSIONS SIZE_BYTES MODE(new|persistent) RCPT[,RCPT...]
 *
 * It shares the machine's cores with the world, so it is kept lean, as the C original
 * is: each session is a small state machine driven by socket callbacks, replies are
 * read as bytes (no string decoding, no promise per reply), and the body is built once.
 * Written with a promise per reply and a latin1 reader it cost 0.28–0.31 ms of CPU per
 * message; this way 0.24–0.26 ms (Postfix's smtp-source: 0.16 ms for the same load).
 */
import { connect, type Socket } from 'node:net';

const [port, total, sessions, sizeBytes, mode, rcptList] = process.argv.slice(2);
const recipients = (rcptList ?? 'bob@siroe.example').split(',');
const messageCount = Number(total);
const newConnectionPerMessage = mode === 'new';

/** The body is built once; only the first header lines change per message (as smtp-source does). */
const line = 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789\r\n';
const fixedHeaders = `From: <load@example.com>\r\nTo: <${recipients[0]}>\r\nDate: ${new Date().toUTCString()}\r\n\r\n`;
const bodyLines = Buffer.from(
  line.repeat(Math.max(0, Math.floor((Number(sizeBytes) - 120 - fixedHeaders.length) / line.length))) + '.\r\n',
);

const EHLO = Buffer.from('EHLO load.example.com\r\n');
const MAIL = Buffer.from('MAIL FROM:<load@example.com>\r\n');
const RCPTS = recipients.map((rcpt) => Buffer.from(`RCPT TO:<${rcpt}>\r\n`));
const DATA = Buffer.from('DATA\r\n');
const QUIT = Buffer.from('QUIT\r\n');

function messageHeaders(n: number): string {
  return `Subject: load test ${n}\r\nMessage-ID: <load.${n}.${process.pid}@example.com>\r\n${fixedHeaders}`;
}

/** What a session waits for next; EXPECTED[step] is the reply code that lets it go on. */
const Step = { Greeting: 0, Ehlo: 1, Mail: 2, Rcpt: 3, Data: 4, Message: 5, Quit: 6 } as const;
type Step = (typeof Step)[keyof typeof Step];
const EXPECTED: readonly number[] = [220, 250, 250, 250, 354, 250, 221];

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;

let nextMessage = 0;
let running = 0;
const started = performance.now();
let finish: () => void;
const allDone = new Promise<void>((resolve) => (finish = resolve));

/** One client session; with a new connection per message it reconnects after each QUIT. */
class Session {
  private socket!: Socket;
  private step: Step = Step.Greeting;
  private message = -1;
  /** Bytes of a reply line not complete yet (a reply split across reads). */
  private partial: Buffer | undefined;

  start(): void {
    running++;
    this.message = this.take();
    if (this.message < 0) return this.stop();
    this.open();
  }

  private take(): number {
    return nextMessage < messageCount ? nextMessage++ : -1;
  }

  private open(): void {
    this.step = Step.Greeting;
    this.partial = undefined;
    const socket = connect(Number(port), '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => fail(`connection failed: ${err.message}`));
    this.socket = socket;
  }

  /** Each complete reply (its last line has a space after the code) moves the session on. */
  private onData(chunk: Buffer): void {
    const data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = undefined;
    const socket = this.socket;
    let lineStart = 0;
    for (let end = data.indexOf(LF); end >= 0; end = data.indexOf(LF, lineStart)) {
      const last = data[lineStart + 3] !== 0x2d; // "250-" continues, "250 " ends
      if (last) this.onReply(data, lineStart, end);
      lineStart = end + 1;
      if (this.socket !== socket) return; // the 221 moved this session to a new connection
    }
    if (lineStart < data.length) this.partial = data.subarray(lineStart);
  }

  private onReply(data: Buffer, start: number, end: number): void {
    const code = (data[start]! - 48) * 100 + (data[start + 1]! - 48) * 10 + (data[start + 2]! - 48);
    if (code !== EXPECTED[this.step] || (data[start + 3] !== SPACE && data[start + 3] !== CR)) {
      const text = data.toString('latin1', start, end).trim();
      fail(`expected ${EXPECTED[this.step]} after step ${this.step}, got ${text}`);
    }
    const socket = this.socket;
    switch (this.step) {
      case Step.Greeting:
        this.step = Step.Ehlo;
        socket.write(EHLO);
        return;
      case Step.Ehlo:
        return this.send();
      case Step.Mail:
        this.step = Step.Rcpt;
        socket.write(RCPTS[this.message % RCPTS.length]!);
        return;
      case Step.Rcpt:
        this.step = Step.Data;
        socket.write(DATA);
        return;
      case Step.Data:
        this.step = Step.Message;
        socket.cork();
        socket.write(messageHeaders(this.message));
        socket.write(bodyLines);
        socket.uncork();
        return;
      case Step.Message:
        this.message = newConnectionPerMessage ? -1 : this.take();
        if (this.message >= 0) return this.send();
        this.step = Step.Quit;
        socket.write(QUIT);
        return;
      case Step.Quit:
        socket.destroy();
        this.message = this.take();
        if (this.message >= 0) return this.open();
        return this.stop();
    }
  }

  /** MAIL FROM for the message this session holds. */
  private send(): void {
    this.step = Step.Mail;
    this.socket.write(MAIL);
  }

  private stop(): void {
    if (--running === 0) finish();
  }
}

function fail(why: string): never {
  process.stderr.write(`smtp-source: ${why}\n`);
  process.exit(1);
}

for (let i = 0; i < Number(sessions); i++) new Session().start();
await allDone;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ sent: messageCount, seconds }) + '\n');
