// Shared setup for the ImapServer tests: a server over a temp store (see pop3-fixture)
// and a raw IMAP client that reads responses, literals included, up to the tagged one.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import type { MessageStore } from '../../server/store/message-store.js';
import { ImapServer } from '../../server/store/imap/server.js';
import type { ImapServerOptions } from '../../server/store/imap/types.js';
import { fakeAuthenticate } from './pop3-fixture.js';

export { ALICE, BOB, makeStore, makeTlsPems, b64 } from './pop3-fixture.js';

const EMPTY = Buffer.alloc(0);

export async function startImap(t: TestContext, store: MessageStore, options: Partial<ImapServerOptions> = {}) {
  const tracer = new MemoryTracer(new WorldClock());
  const server = new ImapServer({
    hostname: 'mailboxa.siroe.example',
    node: 'mailboxa.siroe.example',
    tracer,
    store,
    authenticate: fakeAuthenticate,
    allowInsecureAuth: () => true,
    ...options,
  });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { server, port, tracer };
}

export interface Reply {
  /** Untagged and continuation responses, literals inlined. */
  untagged: string[];
  /** The tagged completion, without the tag: "OK ...", "NO ...", "BAD ...". */
  status: string;
}

/** A raw IMAP client: `run('LOGIN bob bob')` sends with a fresh tag and collects the reply. */
export class ImapClient {
  private buffer: Buffer = EMPTY;
  private wake?: () => void;
  private gone = false;
  private tagCounter = 0;
  closed!: Promise<void>;

  private constructor(public socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number): Promise<ImapClient> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    const client = new ImapClient(socket);
    return client;
  }

  /** Connects and checks the greeting; returns it with the client. */
  static async greeted(port: number): Promise<{ client: ImapClient; greeting: string }> {
    const client = await ImapClient.connect(port);
    const greeting = await client.response();
    assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*\] mailboxa\.siroe\.example IMAP4rev1 Mailscope ready$/);
    return { client, greeting };
  }

  static async loggedIn(port: number, user = 'bob', password = 'bob'): Promise<ImapClient> {
    const { client } = await ImapClient.greeted(port);
    const reply = await client.run(`LOGIN ${user} ${password}`);
    assert.match(reply.status, /^OK/);
    return client;
  }

  nextTag(): string {
    return `a${++this.tagCounter}`;
  }

  /** Sends one command line and reads up to its tagged completion. */
  async run(command: string): Promise<Reply> {
    const tag = this.nextTag();
    this.write(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  /** Like run, and asserts the status starts with OK; returns the untagged lines. */
  async ok(command: string): Promise<string[]> {
    const reply = await this.run(command);
    assert.match(reply.status, /^OK/, `${command} → ${reply.status}`);
    return reply.untagged;
  }

  /** Reads responses until the one tagged `tag`. */
  async until(tag: string): Promise<Reply> {
    const untagged: string[] = [];
    for (;;) {
      const response = await this.response();
      if (response.startsWith(`${tag} `)) return { untagged, status: response.slice(tag.length + 1) };
      untagged.push(response);
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** One response: a line, with any `{n}` literals and the rest of the line joined in. */
  async response(): Promise<string> {
    let text = '';
    for (;;) {
      const line = (await this.line()).toString('utf8');
      text += line;
      const m = /\{(\d+)\}$/.exec(line);
      if (!m) return text;
      text += `\r\n${(await this.bytes(Number(m[1]))).toString('utf8')}`;
    }
  }

  /** Bytes received and not read yet. */
  unread(): Buffer {
    return this.buffer;
  }

  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    this.socket = secure;
    this.listen(secure);
  }

  close(): void {
    this.socket.destroy();
  }

  private async line(): Promise<Buffer> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      await this.more();
    }
  }

  private async bytes(n: number): Promise<Buffer> {
    while (this.buffer.length < n) await this.more();
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  private async more(): Promise<void> {
    assert.ok(!this.gone, `server closed the connection (unread: ${JSON.stringify(this.buffer.toString())})`);
    await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private listen(socket: Socket): void {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.gone = true;
      this.wake?.();
    });
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
  }
}
