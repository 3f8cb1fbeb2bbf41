// Shared setup for the Pop3Server tests: a temp message store with bob's mailbox,
// a server with a fake directory, and a raw POP3 client that reads replies byte-exact.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';
import type { TraceEvent } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MessageStore } from '../../server/store/message-store.js';
import { Pop3Server } from '../../server/store/pop3/server.js';
import type { Pop3ServerOptions } from '../../server/store/pop3/types.js';

export const BOB = 'bob@siroe.example';
export const ALICE = 'alice@siroe.example';

const EMPTY = Buffer.alloc(0);
const CRLF = '\r\n';

/** A store in a temp dir with bob's and alice's mailboxes; removed after the test. */
export function makeStore(t: TestContext): MessageStore {
  const dir = mkdtempSync(join(tmpdir(), 'mailscope-'));
  const store = MessageStore.open({
    file: join(dir, 'store.db'),
    host: 'mailboxa.siroe.example',
    clock: new WorldClock(),
  });
  store.ensureUser(BOB, 'bob');
  store.ensureUser(ALICE, 'alice');
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** bob/bob and alice/alice are good; anything else is a wrong password. */
export async function fakeAuthenticate(login: string, password: string): Promise<string | undefined> {
  if (login === 'bob' && password === 'bob') return BOB;
  if (login === 'alice' && password === 'alice') return ALICE;
  return undefined;
}

export async function startPop3(t: TestContext, store: MessageStore, options: Partial<Pop3ServerOptions> = {}) {
  const tracer = new MemoryTracer(new WorldClock());
  const server = new Pop3Server({
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

/** Resolves with the first event of a kind, already emitted or still to come. */
export function nextEvent<K extends TraceEvent['kind']>(
  tracer: MemoryTracer,
  kind: K,
  match: (e: TraceEvent<K>) => boolean = () => true,
): Promise<TraceEvent<K>> {
  const seen = tracer.ofKind(kind).find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const stop = tracer.subscribe((e) => {
      if (e.kind !== kind || !match(e as TraceEvent<K>)) return;
      stop();
      resolve(e as TraceEvent<K>);
    });
  });
}

/** A raw POP3 client: writes what the test says and reads status lines and multi-line bodies. */
export class PopClient {
  private buffer: Buffer = EMPTY;
  private wake?: () => void;
  private gone = false;
  closed!: Promise<void>;

  private constructor(public socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number): Promise<PopClient> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    return new PopClient(socket);
  }

  /** Connects and checks the greeting. */
  static async greeted(port: number): Promise<PopClient> {
    const client = await PopClient.connect(port);
    assert.match(await client.line(), /^\+OK mailboxa\.siroe\.example POP3 Mailscope ready$/);
    return client;
  }

  /** Connects and logs in with USER/PASS. */
  static async loggedIn(port: number, user = 'bob', password = 'bob'): Promise<PopClient> {
    const client = await PopClient.greeted(port);
    client.send(`USER ${user}`, `PASS ${password}`);
    await client.ok();
    await client.ok(/^\+OK Logged in/);
    return client;
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((l) => l + CRLF).join(''));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next CRLF-terminated line, without its CRLF; fails if the server hangs up first. */
  async line(): Promise<string> {
    return (await this.lineBytes()).toString('utf8');
  }

  async ok(pattern: RegExp = /^\+OK/): Promise<string> {
    const line = await this.line();
    assert.match(line, pattern);
    assert.match(line, /^\+OK/);
    return line;
  }

  async err(pattern: RegExp = /^-ERR/): Promise<string> {
    const line = await this.line();
    assert.match(line, /^-ERR/);
    assert.match(line, pattern);
    return line;
  }

  /** "+OK ..." and a multi-line body: lines un-stuffed and joined back with CRLF. */
  async multiline(): Promise<{ status: string; body: Buffer }> {
    const status = await this.ok();
    const parts: Buffer[] = [];
    for (;;) {
      const line = await this.lineBytes();
      if (line.length === 1 && line[0] === 0x2e) break;
      parts.push(line[0] === 0x2e ? line.subarray(1) : line, Buffer.from(CRLF));
    }
    return { status, body: Buffer.concat(parts) };
  }

  /** Multi-line body as text lines. */
  async lines(): Promise<string[]> {
    const { body } = await this.multiline();
    const text = body.toString('utf8');
    return text === '' ? [] : text.slice(0, -2).split(CRLF);
  }

  /** Bytes received and not read yet (for "nothing more was said"). */
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

  private async lineBytes(): Promise<Buffer> {
    for (;;) {
      const end = this.buffer.indexOf(CRLF);
      if (end >= 0) {
        const line = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      assert.ok(!this.gone, `server closed the connection (unread: ${JSON.stringify(this.buffer.toString())})`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
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

export interface TlsPems {
  key: string;
  cert: string;
}

/** A self-signed certificate for the store host; call it once per file, in a before() hook. */
export async function makeTlsPems(): Promise<TlsPems> {
  const pems = await generate([{ name: 'commonName', value: 'mailboxa.siroe.example' }], { keyType: 'ec' });
  return { key: pems.private, cert: pems.cert };
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
