// Shared setup for the SmtpServer protocol tests (test/protocol/smtp-server-*.test.ts):
// a raw SMTP client, a server with simple hooks, AUTH credentials and a TLS certificate.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TestContext } from 'node:test';
import { generate } from 'selfsigned';
import type { TraceEvent } from '../../server/api/trace.js';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { SmtpServer } from '../../server/mta/smtp/server.js';
import type { SmtpHooks, SmtpServerOptions } from '../../server/mta/smtp/types.js';

export interface Reply {
  code: number;
  lines: string[];
  raw: string;
}

/** A raw SMTP client: writes what the test says, hands back replies one by one. */
export class Raw {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private readonly waiters: Array<(reply: Reply | undefined) => void> = [];
  private gone = false;
  closed!: Promise<void>;

  private constructor(public socket: Socket) {
    this.listen(socket);
  }

  static async connect(port: number): Promise<Raw> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    return new Raw(socket);
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete reply; fails the test if the server hangs up first. */
  async next(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return ready;
    const reply = this.gone ? undefined : await new Promise<Reply | undefined>((r) => this.waiters.push(r));
    assert.ok(reply, 'server closed the connection before replying');
    return reply;
  }

  async expect(code: number, enhanced?: string): Promise<Reply> {
    const reply = await this.next();
    assert.equal(reply.code, code, reply.raw);
    if (enhanced) assert.ok(reply.lines[0]!.startsWith(`${enhanced} `), reply.raw);
    return reply;
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

  private listen(socket: Socket): void {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.gone = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    });
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let lf: number;
      let lines: string[] = [];
      while ((lf = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, lf);
        this.buffer = this.buffer.slice(lf + 2);
        lines.push(line);
        if (/^\d{3}(?: |$)/.test(line)) {
          const reply = { code: Number(line.slice(0, 3)), lines: lines.map((l) => l.slice(4)), raw: lines.join('\n') };
          lines = [];
          const waiter = this.waiters.shift();
          if (waiter) waiter(reply);
          else this.replies.push(reply);
        }
      }
      if (lines.length > 0) this.buffer = lines.map((l) => `${l}\r\n`).join('') + this.buffer;
    });
  }
}

/** Resolves with the first session.closed event, now or when it is emitted. */
export function sessionClosed(tracer: MemoryTracer): Promise<TraceEvent<'session.closed'>> {
  const seen = tracer.ofKind('session.closed')[0];
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const stop = tracer.subscribe((e) => {
      if (e.kind !== 'session.closed') return;
      stop();
      resolve(e);
    });
  });
}

export interface Received {
  message: Buffer;
  from: string;
  to: string[];
  transmissionType: string;
  secure: boolean;
  user?: string;
  reverseName?: string;
}

const refuse = (address: string): MailError =>
  new MailError({
    code: 550,
    enhanced: '5.1.1',
    publicText: `<${address}>: Recipient address rejected`,
    component: 'test',
  });

/** Starts a server with simple hooks: *@siroe.example is local, everything else refused. */
export async function startServer(
  t: TestContext,
  options: Partial<SmtpServerOptions> = {},
  hooks: Partial<SmtpHooks> = {},
) {
  const tracer = new MemoryTracer(new WorldClock());
  const received: Received[] = [];
  const server = new SmtpServer({
    mode: 'smtp',
    protocol: 'smtp',
    hostname: 'mta.siroe.example',
    node: 'mta',
    tracer,
    greetingDelayMs: 0,
    maxMessageSizeBytes: 10_000,
    maxRecipients: 5,
    ...options,
    hooks: {
      onRcptTo: async (_s, to) => {
        if (!/@siroe\.example$/i.test(to.address)) throw refuse(to.address);
      },
      onData: async (session, message) => {
        received.push({
          message,
          from: session.envelope.mailFrom!.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          transmissionType: session.transmissionType,
          secure: session.secure,
          user: session.user,
          reverseName: session.reverseName,
        });
        return { queueId: `Q${received.length}` };
      },
      ...hooks,
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { server, port, tracer, received };
}

export async function greeted(port: number, hello = 'EHLO client.example'): Promise<Raw> {
  const raw = await Raw.connect(port);
  await raw.expect(220);
  if (hello) {
    raw.send(hello);
    await raw.expect(250);
  }
  return raw;
}

export const goodAuth = (): SmtpServerOptions['auth'] => ({
  methods: ['PLAIN', 'LOGIN'],
  required: false,
  allowInsecure: () => true,
});
export const onAuth: SmtpHooks['onAuth'] = async (_s, c) => {
  if (c.username === 'alice' && c.password === 'alice') return { user: 'alice@siroe.example' };
  throw new MailError({
    code: 535,
    enhanced: '5.7.8',
    publicText: 'Authentication credentials invalid',
    component: 'test',
  });
};
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export interface TlsPems {
  key: string;
  cert: string;
}

/** A self-signed certificate for mta.siroe.example; call it once per file, in a before() hook. */
export async function makeTlsPems(): Promise<TlsPems> {
  const pems = await generate([{ name: 'commonName', value: 'mta.siroe.example' }], { keyType: 'ec' });
  return { key: pems.private, cert: pems.cert };
}
