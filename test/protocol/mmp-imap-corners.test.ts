// The MMP's IMAP side where things go wrong: silent or refusing back ends, oversized
// and broken input before login. Each corner ends in a clear answer, never a hang.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, test, type TestContext } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MmpImapProxy } from '../../server/mmp/imap-proxy.js';
import type { MmpImapOptions } from '../../server/mmp/imap-types.js';
import { ImapServer } from '../../server/store/imap/server.js';
import { ImapClient } from '../helpers/imap-fixture.js';
import { fakeDirectory, MMP_NODE } from '../helpers/mmp-pop3-fixture.js';
import { makeStore } from '../helpers/pop3-fixture.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A back end played by the test: `answer` gets each line it receives and may reply. */
async function fakeBackend(
  t: TestContext,
  greeting: string | undefined,
  answer: (line: string, socket: Socket) => void = () => {},
): Promise<{ port: number; lines: string[] }> {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (greeting) socket.write(`${greeting}\r\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        lines.push(line);
        answer(line, socket);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as { port: number }).port, lines };
}

async function startProxy(t: TestContext, backendPort: number, options: Partial<MmpImapOptions> = {}) {
  const tracer = new MemoryTracer(new WorldClock());
  const proxy = new MmpImapProxy({
    hostname: MMP_NODE,
    node: MMP_NODE,
    tracer,
    authenticate: fakeDirectory,
    backend: () => ({ host: '127.0.0.1', port: backendPort }),
    allowInsecureAuth: () => true,
    failureDelayMs: 5,
    ...options,
  });
  const port = await proxy.listen(0, '127.0.0.1');
  t.after(() => proxy.close());
  return { port, tracer, proxy };
}

async function connect(t: TestContext, port: number): Promise<ImapClient> {
  const client = await ImapClient.connect(port);
  t.after(() => client.close());
  assert.match(await client.response(), /^\* OK \[CAPABILITY /);
  return client;
}

describe('MMP IMAP corners', { timeout: 20_000 }, () => {
  test('a back end that never greets: NO [UNAVAILABLE] within the timeout, and the client may go on', async (t) => {
    const silent = await fakeBackend(t, undefined);
    const { port, tracer } = await startProxy(t, silent.port, { connectTimeoutMs: 200 });
    const client = await connect(t, port);
    const startedMs = performance.now();
    const reply = await client.run('LOGIN bob bob');
    const tookMs = performance.now() - startedMs;
    assert.equal(reply.status, 'NO [UNAVAILABLE] Mailbox server store1 is unavailable');
    assert.ok(tookMs >= 190 && tookMs < 2000, `${tookMs} ms`);
    assert.match(tracer.ofKind('mmp.failed')[0]!.data.reason, /no answer within 200 ms/);
    assert.deepEqual(await client.run('NOOP'), { untagged: [], status: 'OK NOOP completed' });
  });

  test('a back end that refuses the login: its NO reaches the client; ID came first', async (t) => {
    const refusing = await fakeBackend(t, '* OK fake store ready', (line, socket) => {
      if (line.startsWith('A0 ID ')) socket.write('* ID NIL\r\nA0 OK ID completed\r\n');
      if (line.startsWith('A1 LOGIN ')) socket.write('A1 NO [AUTHENTICATIONFAILED] Account disabled here\r\n');
    });
    const { port, tracer } = await startProxy(t, refusing.port);
    const client = await connect(t, port);
    assert.equal((await client.run('LOGIN bob bob')).status, 'NO [AUTHENTICATIONFAILED] Account disabled here');
    const [id, login] = refusing.lines;
    assert.match(id!, /^A0 ID \("x-proxy-node" "mmp\.siroe\.example" "x-session-ext-id" "mmp-imap-\d+" /);
    assert.match(id!, /"x-originating-ip" "127\.0\.0\.1" "x-originating-port" "\d+"\)$/);
    assert.equal(login, 'A1 LOGIN "bob" "bob"');
    assert.match(tracer.ofKind('mmp.failed')[0]!.data.reason, /refused the login: \[AUTHENTICATIONFAILED\]/);
    assert.equal(tracer.ofKind('mmp.proxied').length, 0);
    assert.deepEqual(await client.run('NOOP'), { untagged: [], status: 'OK NOOP completed' });
  });

  test('the real store refusing a login the directory accepted: NO from the store, nothing relayed', async (t) => {
    const tracer = new MemoryTracer(new WorldClock());
    const store = new ImapServer({
      hostname: 'mailboxa.siroe.example',
      node: 'mailboxa.siroe.example',
      tracer,
      store: makeStore(t),
      authenticate: async () => undefined,
      allowInsecureAuth: () => true,
    });
    const storePort = await store.listen(0, '127.0.0.1');
    t.after(() => store.close());
    const { port } = await startProxy(t, storePort);
    const client = await connect(t, port);
    assert.equal((await client.run('LOGIN bob bob')).status, 'NO [AUTHENTICATIONFAILED] Authentication failed');
    assert.match((await client.run('SELECT INBOX')).status, /^NO Log in first/);
  });

  test('an oversized literal before login: NO [TOOBIG] at once, nothing buffered, memory flat', async (t) => {
    const silent = await fakeBackend(t, undefined);
    const { port } = await startProxy(t, silent.port);
    const client = await connect(t, port);
    // Synchronising: refused before the client sends it; the connection stays.
    assert.equal((await client.run('LOGIN {99999999}')).status, 'NO [TOOBIG] Literal too big before login');
    // A client that sends it anyway: 32 MiB without a line end is thrown away as it streams.
    gc();
    const beforeBytes = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
    const junk = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 32; i++) {
      if (!client.socket.write(junk)) await once(client.socket, 'drain');
    }
    client.write('\r\n');
    // The NOOP is answered once all of it went through; its first word passed for a tag.
    const noop = await client.run('NOOP');
    assert.equal(noop.status, 'OK NOOP completed');
    assert.equal(noop.untagged.length, 1);
    assert.match(noop.untagged[0]!, /^x+ BAD Line too long/);
    gc();
    const grownBytes = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed - beforeBytes;
    assert.ok(grownBytes < 8 * 1024 * 1024, `grew by ${grownBytes} bytes`);
    // Non-synchronising (LITERAL+): the data is on its way; we say so and hang up.
    client.write('z1 LOGIN {99999999+}\r\n');
    assert.equal(await client.response(), 'z1 NO [TOOBIG] Literal too big before login');
    assert.equal(await client.response(), '* BYE Too much data before login');
    await client.closed;
  });

  test('malformed and truncated commands: BAD each time, a clean close after too many', async (t) => {
    const silent = await fakeBackend(t, undefined);
    const { port, proxy, tracer } = await startProxy(t, silent.port);
    const client = await connect(t, port);
    client.write('\r\n');
    assert.match(await client.response(), /^\* BAD /);
    assert.match((await client.run('LOGIN "unterminated')).status, /^BAD Unterminated quoted string/);
    assert.match((await client.run('LOGIN bob')).status, /^BAD LOGIN takes a user name and a password/);
    assert.match((await client.run('LOGIN (bob) x')).status, /^BAD Expected a string for user name/);
    assert.match((await client.run('AUTHENTICATE PLAIN !!!')).status, /^BAD Invalid base64/);
    assert.equal((await client.run('UID FETCH 1:* FLAGS')).status, 'NO Log in first');
    client.write('bad tag with "quote\r\n');
    assert.match(await client.response(), /^bad BAD /);
    assert.deepEqual(await client.run('NOOP'), { untagged: [], status: 'OK NOOP completed' });
    // Mistakes are counted: at the tenth, BYE instead of an answer.
    let reply = '';
    for (let i = 0; i < 10 && !reply.startsWith('* BYE'); i++) {
      client.write(`f${i} FROB\r\n`);
      reply = await client.response();
      if (!reply.startsWith('* BYE')) assert.equal(reply, `f${i} NO Log in first`);
    }
    assert.equal(reply, '* BYE Too many errors');
    await client.closed;

    // Truncated: a literal announced and never completed, then the client hangs up.
    const truncated = await connect(t, port);
    truncated.write('t1 LOGIN {10}\r\n');
    assert.equal(await truncated.response(), '+ Ready for literal data');
    truncated.write('bob');
    truncated.socket.end();
    await truncated.closed;
    while (proxy.connectionCount > 0) await new Promise((resolve) => setImmediate(resolve));
    const reasons = tracer.ofKind('session.closed').map((e) => e.data.reason);
    assert.deepEqual(reasons, ['error', 'client']);
  });
});
