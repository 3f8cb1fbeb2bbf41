/**
 * A load generator in the manner of Postfix's smtp-source: N concurrent sessions,
 * each command sent on its own and its reply awaited (no pipelining), a fixed-size
 * message, and either a new connection per message (the default of smtp-source) or
 * one persistent session per worker. Runs as its own process so it does not share
 * the event loop (or core) of the world it measures.
 *
 *   tsx bench/smtp-source.ts PORT MESSAGES SESSIONS SIZE_BYTES MODE(new|persistent) RCPT[,RCPT...]
 */
import { connect, type Socket } from 'node:net';

const [port, total, sessions, sizeBytes, mode, rcptList] = process.argv.slice(2);
const recipients = (rcptList ?? 'bob@siroe.example').split(',');

class ReplyReader {
  private buffer = '';
  private waiting: Array<(reply: string) => void> = [];
  private replies: string[] = [];

  constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
  }

  next(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    let reply = '';
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      reply += line + '\n';
      if (line[3] === '-') continue;
      const waiter = this.waiting.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
      reply = '';
    }
    if (reply) this.buffer = reply.replace(/\n/g, '\r\n') + this.buffer;
  }
}

/** The body is built once; only the first header lines change per message (as smtp-source does). */
const line = 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789\r\n';
const fixedHeaders = `From: <load@example.com>\r\nTo: <${recipients[0]}>\r\nDate: ${new Date().toUTCString()}\r\n\r\n`;
const bodyLines = Buffer.from(
  line.repeat(Math.max(0, Math.floor((Number(sizeBytes) - 120 - fixedHeaders.length) / line.length))) + '.\r\n',
);

function messageHeaders(n: number): string {
  return `Subject: load test ${n}\r\nMessage-ID: <load.${n}.${process.pid}@example.com>\r\n${fixedHeaders}`;
}

async function open(): Promise<{ socket: Socket; reader: ReplyReader }> {
  const socket = connect(Number(port), '127.0.0.1');
  socket.setNoDelay(true);
  const reader = new ReplyReader(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  expect(await reader.next(), '220');
  socket.write('EHLO load.example.com\r\n');
  expect(await reader.next(), '250');
  return { socket, reader };
}

function expect(reply: string, code: string): void {
  if (!reply.startsWith(code)) throw new Error(`expected ${code}, got ${reply.trim()}`);
}

async function sendOne(socket: Socket, reader: ReplyReader, n: number): Promise<void> {
  const rcpt = recipients[n % recipients.length];
  socket.write('MAIL FROM:<load@example.com>\r\n');
  expect(await reader.next(), '250');
  socket.write(`RCPT TO:<${rcpt}>\r\n`);
  expect(await reader.next(), '250');
  socket.write('DATA\r\n');
  expect(await reader.next(), '354');
  socket.cork();
  socket.write(messageHeaders(n));
  socket.write(bodyLines);
  socket.uncork();
  expect(await reader.next(), '250');
}

async function worker(counter: { next: number }): Promise<void> {
  let session: { socket: Socket; reader: ReplyReader } | undefined;
  while (counter.next < Number(total)) {
    const n = counter.next++;
    session ??= await open();
    await sendOne(session.socket, session.reader, n);
    if (mode === 'new') {
      session.socket.write('QUIT\r\n');
      await session.reader.next();
      session.socket.destroy();
      session = undefined;
    }
  }
  if (session) {
    session.socket.write('QUIT\r\n');
    await session.reader.next();
    session.socket.destroy();
  }
}

const started = performance.now();
const counter = { next: 0 };
await Promise.all(Array.from({ length: Number(sessions) }, () => worker(counter)));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ sent: Number(total), seconds }) + '\n');
