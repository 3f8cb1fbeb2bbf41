/**
 * The IMAP benchmark's client: a raw socket, its own process (so its parsing does
 * not share the server's event loop), the least work per response it can get away
 * with: it finds each literal's size and skips its bytes, nothing else. Prints one
 * JSON line of timings. Any IMAP4rev1 server will do (ours through the MMP, our
 * store directly, or a Dovecot for reference).
 *
 *   npx tsx bench/imap-client.ts --port N --user U --pass P [--host H] [--bodies 1000] [--folder INBOX]
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

export interface ImapTimings {
  loginMs: number;
  selectMs: number;
  exists: number;
  summaryFetchMs: number;
  summaryMessages: number;
  bodyFetchMs: number;
  bodyMessages: number;
  bodyBytes: number;
}

class RawImap {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private wake?: () => void;
  private closed = false;
  private tag = 0;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  /** One response line (literals inside it skipped); returns the line text and literal bytes. */
  async response(): Promise<{ text: string; literalBytes: number }> {
    let text = '';
    let literalBytes = 0;
    for (;;) {
      const line = await this.line();
      text += line;
      const m = /\{(\d+)\}$/.exec(line);
      if (!m) return { text, literalBytes };
      const n = Number(m[1]);
      await this.skip(n);
      literalBytes += n;
    }
  }

  /** Sends a command and reads to its tagged reply: the number of untagged responses and literal bytes. */
  async command(text: string): Promise<{ untagged: number; literalBytes: number; status: string; lines: string[] }> {
    const tag = `b${++this.tag}`;
    this.socket.write(`${tag} ${text}\r\n`);
    let untagged = 0;
    let literalBytes = 0;
    const lines: string[] = [];
    for (;;) {
      const r = await this.response();
      literalBytes += r.literalBytes;
      if (r.text.startsWith(`${tag} `)) return { untagged, literalBytes, status: r.text.slice(tag.length + 1), lines };
      untagged++;
      if (lines.length < 50) lines.push(r.text);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private async line(): Promise<string> {
    for (;;) {
      const joined = this.join();
      const end = joined.indexOf('\r\n');
      if (end >= 0) {
        this.consume(end + 2);
        return joined.subarray(0, end).toString('latin1');
      }
      await this.more();
    }
  }

  private async skip(n: number): Promise<void> {
    while (this.buffered < n) await this.more();
    this.consume(n);
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(n: number): void {
    const joined = this.join();
    this.chunks = n >= joined.length ? [] : [joined.subarray(n)];
    this.buffered -= n;
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('server closed the connection');
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
  }
}

function ok(reply: { status: string }, what: string): void {
  if (!reply.status.startsWith('OK')) throw new Error(`${what}: ${reply.status}`);
}

export async function measure(opts: {
  host: string;
  port: number;
  user: string;
  pass: string;
  bodies: number;
  folder: string;
}): Promise<ImapTimings> {
  const socket = connect({ host: opts.host, port: opts.port, noDelay: true });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const imap = new RawImap(socket);
  await imap.response(); // greeting
  const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  let started = performance.now();
  ok(await imap.command(`LOGIN ${quote(opts.user)} ${quote(opts.pass)}`), 'LOGIN');
  const loginMs = performance.now() - started;
  started = performance.now();
  const select = await imap.command(`SELECT ${quote(opts.folder)}`);
  ok(select, 'SELECT');
  const selectMs = performance.now() - started;
  const exists = Number(select.lines.map((l) => /^\* (\d+) EXISTS$/.exec(l)?.[1]).find(Boolean) ?? 0);

  started = performance.now();
  const summary = await imap.command('UID FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)');
  ok(summary, 'UID FETCH summaries');
  const summaryFetchMs = performance.now() - started;

  // One full body per command, as a client downloading messages one by one: message numbers 1..n.
  const count = Math.min(opts.bodies, exists);
  started = performance.now();
  let bodyBytes = 0;
  for (let seq = 1; seq <= count; seq++) {
    const reply = await imap.command(`FETCH ${seq} (BODY.PEEK[])`);
    ok(reply, 'FETCH body');
    bodyBytes += reply.literalBytes;
  }
  const bodyFetchMs = performance.now() - started;
  await imap.command('LOGOUT').catch(() => undefined);
  imap.close();
  return {
    loginMs,
    selectMs,
    exists,
    summaryFetchMs,
    summaryMessages: summary.untagged,
    bodyFetchMs,
    bodyMessages: count,
    bodyBytes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      user: { type: 'string' },
      pass: { type: 'string' },
      bodies: { type: 'string', default: '1000' },
      folder: { type: 'string', default: 'INBOX' },
    },
  });
  const timings = await measure({
    host: values.host!,
    port: Number(values.port),
    user: values.user!,
    pass: values.pass!,
    bodies: Number(values.bodies),
    folder: values.folder!,
  });
  process.stdout.write(`${JSON.stringify(timings)}\n`);
}
