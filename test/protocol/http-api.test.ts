import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import type { TraceEvent } from '../../server/api/trace.js';
import type { MailboxMessageView, WorldView } from '../../server/api/world-view.js';
import { formatClockMode, parseClockMode, WorldClock } from '../../server/core/clock.js';
import { WorldTracer } from '../../server/core/tracer.js';
import { ControlRequestError, type ControlFacade } from '../../server/http/control-facade.js';
import { ControlServer, type ControlServerOptions } from '../../server/http/control-server.js';
import { loadOrCreateToken } from '../../server/http/token.js';
import type { HistoryRecord, QueuedMessage } from '../../server/queue/types.js';

const TOKEN = 'a'.repeat(64);
const START_AT = Date.UTC(2024, 0, 15, 9, 0, 0);

/** A fake world made of real pieces: a WorldClock, a WorldTracer with an array store. */
function fakeWorld() {
  const clock = new WorldClock({ kind: 'stepped' }, undefined, START_AT);
  const stored: TraceEvent[] = [];
  const tracer = new WorldTracer(clock, { append: (e) => stored.push(e) });
  let listenerCount = 0;
  const hooks: {
    afterSubscribe?: () => void;
    afterTraceSince?: () => void;
    failWorld?: boolean;
    /** Simulates a store that commits later than it tells subscribers. */
    storedUpTo?: number;
  } = {};
  const queue = new Map<string, QueuedMessage>([
    ['q1', queued('q1')],
    ['q2', queued('q2')],
  ]);
  const history: HistoryRecord[] = [
    {
      queueId: 'q1',
      at: START_AT,
      action: 'E',
      channel: 'tcp_local',
      sender: 'alice@siroe.example',
      recipient: 'erin@example.com',
      sizeBytes: 120,
      status: '',
    },
  ];
  const raw = Buffer.from('From: alice@siroe.example\r\nSubject: hi\r\n\r\n<script>x</script>\r\n');
  const inbox: MailboxMessageView[] = [
    {
      uid: 1,
      subject: 'hi',
      from: 'alice@siroe.example',
      to: 'bob@siroe.example',
      sizeBytes: raw.length,
      flags: ['\\Seen'],
      internalDate: START_AT,
    },
  ];
  const mailboxes = new Map<string, MailboxMessageView[]>([
    ['bob@siroe.example|INBOX', inbox],
    ['bob@siroe.example|Archive/2024', []],
  ]);
  const world: WorldView = {
    name: 'siroe',
    clock: { mode: 'stepped', now: START_AT },
    hosts: [
      {
        name: 'mta.siroe.example',
        role: 'mta',
        label: '<b>MTA</b>',
        services: [{ protocol: 'smtp', port: 2525, address: '127.0.0.1' }],
      },
      {
        name: 'ldap.siroe.example',
        role: 'directory',
        services: [{ protocol: 'ldap', port: 1389, address: '127.0.0.1' }],
      },
    ],
    links: [{ from: 'mta.siroe.example', to: 'ldap.siroe.example', protocol: 'ldap' }],
  };
  const facade: ControlFacade = {
    world: () => {
      if (hooks.failWorld) throw new Error('world exploded');
      return world;
    },
    traceSince: (afterSeq, limit) => {
      const upTo = hooks.storedUpTo ?? Infinity;
      const page = stored.filter((e) => e.seq > afterSeq && e.seq <= upTo).slice(0, limit);
      hooks.afterTraceSince?.();
      return page;
    },
    subscribeTrace: (listener) => {
      const off = tracer.subscribe(listener);
      listenerCount++;
      hooks.afterSubscribe?.();
      return () => {
        listenerCount--;
        off();
      };
    },
    queue: () => [...queue.values()],
    queueMessage: (id) => {
      const message = queue.get(id);
      return message && { message, history: history.filter((h) => h.queueId === id) };
    },
    queueAction: async (id, action) => {
      const message = queue.get(id);
      if (message && action === 'hold') message.status = 'held';
      return message;
    },
    mailbox: (address, folder) => mailboxes.get(`${address}|${folder}`),
    mailboxMessage: (address, folder, uid) =>
      mailboxes.get(`${address}|${folder}`)?.some((m) => m.uid === uid) ? { raw } : undefined,
    setClock: (request) => {
      if (request.mode !== undefined) clock.setMode(parseClockMode(request.mode));
      if (request.advanceMs !== undefined) {
        if (clock.mode().kind !== 'stepped') throw new ControlRequestError(409, 'advance needs the stepped clock');
        clock.advance(request.advanceMs);
      }
      return { mode: formatClockMode(clock.mode()), now: clock.now() };
    },
  };
  const emit = (args = '') =>
    tracer.emit({
      kind: 'smtp.command',
      node: 'mta.siroe.example',
      data: { sessionId: 's1', protocol: 'smtp', verb: 'NOOP', args },
    });
  return { facade, tracer, stored, hooks, clock, raw, emit, listeners: () => listenerCount };
}

function queued(queueId: string): QueuedMessage {
  return {
    queueId,
    traceId: `msg_${queueId}`,
    sender: 'alice@siroe.example',
    sizeBytes: 120,
    source: 'submission',
    origin: '127.0.0.1',
    receivedAt: START_AT,
    status: 'queued',
    recipients: [],
  };
}

async function startLab(t: TestContext, extra: Partial<ControlServerOptions> = {}) {
  const world = fakeWorld();
  const server = new ControlServer({
    facade: world.facade,
    token: TOKEN,
    bindAddress: '127.0.0.1',
    node: 'web.siroe.example',
    ...extra,
  });
  const port = await server.listen(0);
  t.after(() => server.close());
  const send = (method: string, target: string, headers: Record<string, string> = {}, body?: string | Buffer) =>
    rawRequest(port, method, target, { host: `127.0.0.1:${port}`, ...headers }, body);
  const auth = { authorization: `Bearer ${TOKEN}` };
  return {
    world,
    server,
    port,
    send,
    get: (target: string, headers: Record<string, string> = auth) => send('GET', target, headers),
    post: (target: string, body?: string | Buffer, headers: Record<string, string> = auth) =>
      send('POST', target, headers, body),
    wsUrl: (query: string) => `ws://127.0.0.1:${port}/api/trace/stream?${query}`,
  };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: Buffer;
}

/** http.request rather than fetch: it lets a test set any Host header. */
function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const jsonOf = (r: RawResponse): unknown => JSON.parse(r.text);

function assertSecurityHeaders(r: RawResponse): void {
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  assert.equal(
    Object.keys(r.headers).some((h) => h.startsWith('access-control-')),
    false,
  );
}

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('control token file', () => {
  test('is created with mode 0600, reused, and replaced when malformed', (t) => {
    const dir = path.join(tempDir(t), 'data');
    const token = loadOrCreateToken(dir);
    const file = path.join(dir, 'control-token');
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(loadOrCreateToken(dir), token);
    fs.chmodSync(file, 0o644);
    assert.equal(loadOrCreateToken(dir), token);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'a loosened mode is tightened again');
    fs.writeFileSync(file, 'not-a-token\n');
    const fresh = loadOrCreateToken(dir);
    assert.match(fresh, /^[0-9a-f]{64}$/);
    assert.notEqual(fresh, token);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), fresh);
  });
});

describe('control API routes', () => {
  test('world, health and trace pages', async (t) => {
    const lab = await startLab(t);
    for (let i = 0; i < 6; i++) lab.world.emit();
    const world = await lab.get('/api/world');
    assert.equal(world.status, 200);
    assert.equal(world.headers['content-type'], 'application/json; charset=utf-8');
    assertSecurityHeaders(world);
    assert.equal((jsonOf(world) as WorldView).hosts[0]!.name, 'mta.siroe.example');
    assert.deepEqual(jsonOf(await lab.get('/api/health')), { ok: true });
    const all = jsonOf(await lab.get('/api/trace')) as TraceEvent[];
    assert.deepEqual(
      all.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6],
    );
    const page = jsonOf(await lab.get('/api/trace?since=2&limit=3')) as TraceEvent[];
    assert.deepEqual(
      page.map((e) => e.seq),
      [3, 4, 5],
    );
    assert.equal(page[0]!.kind, 'smtp.command');
    for (const bad of ['since=-1', 'since=abc', 'limit=0', 'limit=1.5']) {
      const r = await lab.get(`/api/trace?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.match((jsonOf(r) as { error: string }).error, /since|limit/);
    }
    const ws = await lab.get('/api/trace/stream');
    assert.equal(ws.status, 426);
  });

  test('trace limit is capped at 10000', async (t) => {
    const lab = await startLab(t);
    for (let i = 0; i < 10_050; i++) lab.world.emit();
    const page = jsonOf(await lab.get('/api/trace?limit=20000')) as TraceEvent[];
    assert.equal(page.length, 10_000);
    assert.equal(page.at(-1)!.seq, 10_000);
  });

  test('queue listing, detail and actions', async (t) => {
    const lab = await startLab(t);
    const list = jsonOf(await lab.get('/api/queue')) as QueuedMessage[];
    assert.deepEqual(
      list.map((m) => m.queueId),
      ['q1', 'q2'],
    );
    const detail = jsonOf(await lab.get('/api/queue/q1')) as { message: QueuedMessage; history: HistoryRecord[] };
    assert.equal(detail.message.queueId, 'q1');
    assert.equal(detail.history[0]!.action, 'E');
    assert.equal((await lab.get('/api/queue/nope')).status, 404);
    const held = await lab.post('/api/queue/q1/hold');
    assert.equal(held.status, 200);
    assert.equal((jsonOf(held) as QueuedMessage).status, 'held');
    assert.equal((jsonOf(await lab.get('/api/queue/q1')) as { message: QueuedMessage }).message.status, 'held');
    assert.equal((await lab.post('/api/queue/nope/release')).status, 404);
    const typo = await lab.post('/api/queue/q1/frobnicate');
    assert.equal(typo.status, 400);
    assert.match((jsonOf(typo) as { error: string }).error, /hold, release, return, delete, retry/);
    assert.equal((await lab.get('/api/queue/q1/hold')).status, 405);
  });

  test('mailbox listing and raw message', async (t) => {
    const lab = await startLab(t);
    const inbox = await lab.get('/api/mailboxes/bob%40siroe.example/INBOX');
    assert.equal(inbox.status, 200);
    assert.equal((jsonOf(inbox) as MailboxMessageView[])[0]!.subject, 'hi');
    const archive = await lab.get('/api/mailboxes/bob@siroe.example/Archive%2F2024');
    assert.deepEqual(jsonOf(archive), [], 'an encoded slash stays inside the folder name');
    assert.equal((await lab.get('/api/mailboxes/nobody@siroe.example/INBOX')).status, 404);
    const raw = await lab.get('/api/mailboxes/bob%40siroe.example/INBOX/1/raw');
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], 'message/rfc822');
    assert.equal(raw.headers['content-security-policy'], 'sandbox');
    assertSecurityHeaders(raw);
    assert.deepEqual(raw.body, lab.world.raw);
    assert.equal((await lab.get('/api/mailboxes/bob%40siroe.example/INBOX/2/raw')).status, 404);
    assert.equal((await lab.get('/api/mailboxes/bob%40siroe.example/INBOX/x/raw')).status, 400);
    assert.equal((await lab.get('/api/mailboxes/bob%ZZ/INBOX')).status, 400);
  });

  test('clock changes and their validation', async (t) => {
    const lab = await startLab(t);
    const advanced = await lab.post('/api/clock', JSON.stringify({ advanceMs: 60_000 }));
    assert.equal(advanced.status, 200);
    assert.deepEqual(jsonOf(advanced), { mode: 'stepped', now: START_AT + 60_000 });
    const scaled = await lab.post('/api/clock', JSON.stringify({ mode: 'scaled:600' }));
    assert.equal(scaled.status, 200);
    assert.equal((jsonOf(scaled) as { mode: string }).mode, 'scaled:600');
    assert.equal(lab.world.clock.mode().kind, 'scaled');
    const refused = await lab.post('/api/clock', JSON.stringify({ advanceMs: 1000 }));
    assert.equal(refused.status, 409, 'a facade ControlRequestError keeps its status');
    assert.match((jsonOf(refused) as { error: string }).error, /stepped/);
    const bad: Array<[string, RegExp]> = [
      ['{"mode":"fast"}', /real, stepped or scaled:N/],
      ['{"mode":"scaled:0"}', /scaled:N/],
      ['{"mode":5}', /mode must be a string/],
      ['{"advanceMs":-1}', /advanceMs/],
      ['{"advanceMs":"60"}', /advanceMs/],
      ['{"advanceMs":1e300}', /advanceMs/],
      ['{}', /JSON object/],
      ['[]', /JSON object/],
      ['', /JSON object/],
      ['{"speed":2}', /unknown field "speed"/],
      ['{"mode":', /malformed JSON/],
    ];
    for (const [body, message] of bad) {
      const r = await lab.post('/api/clock', body, {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      });
      assert.equal(r.status, 400, body);
      assert.match((jsonOf(r) as { error: string }).error, message, body);
    }
    assert.equal(lab.world.clock.mode().kind, 'scaled', 'bad requests changed nothing');
  });

  test('404, 405, 413 and 500 answers', async (t) => {
    const lab = await startLab(t);
    const missing = await lab.get('/api/nope');
    assert.equal(missing.status, 404);
    assertSecurityHeaders(missing);
    assert.match((jsonOf(missing) as { error: string }).error, /no such API route/);
    const wrong = await lab.get('/api/clock');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'POST');
    assert.equal((await lab.send('DELETE', '/api/world', { authorization: `Bearer ${TOKEN}` })).status, 405);
    const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const tooBig = await lab.post('/api/clock', big);
    assert.equal(tooBig.status, 413);
    assert.equal((await lab.post('/api/clock', '{"mode":"real"}')).status, 200, 'the server still answers');
    lab.world.hooks.failWorld = true;
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const failed = await lab.get('/api/world');
      assert.equal(failed.status, 500);
      assert.doesNotMatch((jsonOf(failed) as { error: string }).error, /exploded/, 'internals stay in the log');
    } finally {
      console.error = original;
    }
    assert.match(String(logged[0]), /GET \/api\/world failed/);
    assert.equal((await lab.get('/api/health')).status, 200);
  });

  test('a chunked body over 1 MiB is refused with 413', async (t) => {
    const lab = await startLab(t);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: lab.port,
          method: 'POST',
          path: '/api/clock',
          agent: false,
          headers: { host: `127.0.0.1:${lab.port}`, authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 24; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
  });
});

describe('control API security', () => {
  test('the token is required: header or query, constant-time compared', async (t) => {
    const lab = await startLab(t);
    for (const target of ['/api/world', '/api/health', '/', '/api/nope']) {
      const r = await lab.get(target, {});
      assert.equal(r.status, 401, target);
      assertSecurityHeaders(r);
    }
    assert.equal((await lab.get('/api/world', { authorization: `Bearer ${'b'.repeat(64)}` })).status, 401);
    assert.equal((await lab.get('/api/world', { authorization: `Bearer ${TOKEN}x` })).status, 401);
    assert.equal((await lab.get('/api/world', { authorization: `Basic ${TOKEN}` })).status, 401);
    assert.equal((await lab.get('/api/world?token=wrong', {})).status, 401);
    assert.equal((await lab.post('/api/queue/q1/hold', undefined, {})).status, 401);
    assert.equal(lab.world.facade.queue()[0]!.status, 'queued', 'an unauthorised action did nothing');
    assert.equal((await lab.get(`/api/world?token=${TOKEN}`, {})).status, 200);
    assert.equal((await lab.get('/api/world')).status, 200);
  });

  test('foreign Host and Origin headers are refused (DNS rebinding, other pages)', async (t) => {
    const lab = await startLab(t);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const evilHost = await lab.get('/api/world', { ...auth, host: `evil.example:${lab.port}` });
    assert.equal(evilHost.status, 403);
    assertSecurityHeaders(evilHost);
    assert.equal((await lab.get('/api/world', { ...auth, host: `127.0.0.1:${lab.port + 1}` })).status, 403);
    assert.equal((await lab.get('/api/world', { ...auth, host: `localhost:${lab.port}` })).status, 200);
    assert.equal((await lab.get('/api/world', { ...auth, host: `[::1]:${lab.port}` })).status, 200);
    assert.equal((await lab.get('/api/world', { ...auth, origin: 'http://evil.example' })).status, 403);
    assert.equal((await lab.get('/api/world', { ...auth, origin: 'null' })).status, 403);
    assert.equal((await lab.get('/api/world', { ...auth, origin: `https://127.0.0.1:${lab.port}` })).status, 403);
    assert.equal(
      (await lab.post('/api/queue/q1/hold', undefined, { ...auth, origin: 'http://evil.example' })).status,
      403,
    );
    assert.equal(lab.world.facade.queue()[0]!.status, 'queued');
    const own = await lab.get('/api/world', { ...auth, origin: `http://localhost:${lab.port}` });
    assert.equal(own.status, 200);
    assertSecurityHeaders(own);
  });

  test('url() carries the token and works as printed', async (t) => {
    const lab = await startLab(t);
    const url = new URL(lab.server.url());
    assert.equal(url.host, `127.0.0.1:${lab.port}`);
    assert.equal(url.searchParams.get('token'), TOKEN);
    const page = await lab.get(`${url.pathname}${url.search}`, {});
    assert.equal(page.status, 200);
  });
});

describe('static files and status page', () => {
  test('status page lists hosts, ports and the queue size, escaped and self-contained', async (t) => {
    const lab = await startLab(t);
    const page = await lab.get(`/?token=${TOKEN}`, {});
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assertSecurityHeaders(page);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.match(page.text, /mta\.siroe\.example/);
    assert.match(page.text, /127\.0\.0\.1:2525/);
    assert.match(page.text, /ldap.*127\.0\.0\.1:1389/);
    assert.match(page.text, /queue: <strong>2<\/strong>/);
    assert.match(page.text, /&#60;b&#62;MTA/);
    assert.doesNotMatch(page.text, /<b>MTA/);
    assert.doesNotMatch(page.text, /(src|href)=/, 'no external resources');
  });

  test('the built renderer is served safely', async (t) => {
    const dir = tempDir(t);
    const root = path.join(dir, 'dist');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ui</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'robots.txt'), 'no');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    const lab = await startLab(t, { staticDir: root });
    const index = await lab.get(`/?token=${TOKEN}`, {});
    assert.equal(index.status, 200);
    assert.equal(index.text, '<!doctype html><title>ui</title>');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal((await lab.get('/', {})).status, 401);
    const app = await lab.get('/assets/app.js', {});
    assert.equal(app.status, 200, 'assets need no token');
    assert.equal(app.headers['content-type'], 'text/javascript; charset=utf-8');
    assertSecurityHeaders(app);
    assert.equal((await lab.get('/robots.txt', {})).status, 401);
    assert.equal((await lab.get(`/robots.txt?token=${TOKEN}`, {})).status, 200);
    for (const escape of [
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/../../secret.txt',
      '/assets/link.txt',
      '/assets/..%5C..%5Csecret.txt',
      '/assets/%00',
    ]) {
      const r = await lab.get(`${escape}${escape.includes('?') ? '&' : '?'}token=${TOKEN}`, {});
      assert.notEqual(r.status, 200, escape);
      assert.doesNotMatch(r.text, /secret/, escape);
    }
    assert.equal((await lab.get('/assets/nope.js', {})).status, 404);
    assert.equal((await lab.send('POST', '/assets/app.js', {})).status, 405);
  });
});

/** Collects the seqs a WebSocket client receives, and waits for conditions on them. */
function collect(ws: WebSocket) {
  const seqs: number[] = [];
  const batches: number[][] = [];
  let waiter: { test: () => boolean; resolve: () => void } | undefined;
  ws.on('message', (data) => {
    const batch = JSON.parse(String(data)) as TraceEvent[];
    assert.ok(Array.isArray(batch));
    batches.push(batch.map((e) => e.seq));
    seqs.push(...batch.map((e) => e.seq));
    if (waiter?.test()) waiter.resolve();
  });
  const until = (test: () => boolean) =>
    new Promise<void>((resolve) => {
      if (test()) resolve();
      else waiter = { test, resolve };
    });
  return { seqs, batches, until };
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function refusedWith(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.on('error', () => {});
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
  });
}

function closeOf(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** WebSocket tests wait on events, never on timers; the timeout turns a lost event into a failure, not a hang. */
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('trace WebSocket stream', () => {
  test(
    'backlog then live, with no gap and no duplicate while events arrive during the connect',
    { timeout: 20_000 },
    async (t) => {
      const lab = await startLab(t);
      for (let i = 0; i < 2500; i++) lab.world.emit();
      // Adversarial timing: an event lands right after the subscription and after every store read.
      lab.world.hooks.afterSubscribe = () => lab.world.emit('after subscribe');
      lab.world.hooks.afterTraceSince = () => lab.world.emit('after read');
      const ws = new WebSocket(lab.wsUrl(`token=${TOKEN}`));
      t.after(() => ws.terminate());
      const got = collect(ws);
      let emitting = true;
      const pump = () => {
        if (!emitting) return;
        lab.world.emit('during connect');
        setImmediate(pump);
      };
      pump();
      await opened(ws);
      await got.until(() => got.seqs.length >= 2600);
      emitting = false;
      lab.world.hooks.afterTraceSince = undefined;
      const lastBefore = lab.world.tracer.lastSeq();
      await got.until(() => got.seqs.at(-1) === lastBefore);
      assert.deepEqual(got.seqs, range(1, lastBefore));
      assert.ok(got.batches[0]!.length === 1000, 'the backlog goes out in pages');
      // A burst in one tick is coalesced into few messages.
      const batchesBefore = got.batches.length;
      for (let i = 0; i < 300; i++) lab.world.emit('burst');
      await got.until(() => got.seqs.at(-1) === lastBefore + 300);
      assert.deepEqual(got.seqs, range(1, lastBefore + 300));
      assert.ok(
        got.batches.length - batchesBefore <= 2,
        `burst sent in ${got.batches.length - batchesBefore} messages`,
      );
    },
  );

  test('since=N starts after N', { timeout: 10_000 }, async (t) => {
    const lab = await startLab(t);
    for (let i = 0; i < 10; i++) lab.world.emit();
    // An event lands right after the (only) backlog read: it must come live, not be lost.
    lab.world.hooks.afterTraceSince = () => {
      lab.world.hooks.afterTraceSince = undefined;
      lab.world.emit('after read');
    };
    const ws = new WebSocket(lab.wsUrl(`since=7&token=${TOKEN}`));
    t.after(() => ws.terminate());
    const got = collect(ws);
    await got.until(() => got.seqs.length >= 4);
    lab.world.emit();
    await got.until(() => got.seqs.length >= 5);
    assert.deepEqual(got.seqs, [8, 9, 10, 11, 12]);
  });

  test('a hole left by a store that commits late is filled from the store', { timeout: 10_000 }, async (t) => {
    const lab = await startLab(t);
    for (let i = 0; i < 10; i++) lab.world.emit();
    lab.world.hooks.storedUpTo = 5;
    const ws = new WebSocket(lab.wsUrl(`token=${TOKEN}`));
    t.after(() => ws.terminate());
    const got = collect(ws);
    await got.until(() => got.seqs.length >= 5);
    lab.world.hooks.storedUpTo = undefined;
    lab.world.emit();
    await got.until(() => got.seqs.at(-1) === 11);
    assert.deepEqual(got.seqs, range(1, 11));
  });

  test(
    'upgrades without the token, from a foreign Host or Origin, or elsewhere are refused',
    { timeout: 10_000 },
    async (t) => {
      const lab = await startLab(t);
      assert.equal(await refusedWith(new WebSocket(lab.wsUrl(''))), 401);
      assert.equal(await refusedWith(new WebSocket(lab.wsUrl('token=wrong'))), 401);
      assert.equal(
        await refusedWith(new WebSocket(lab.wsUrl(`token=${TOKEN}`), { origin: 'http://evil.example' })),
        403,
      );
      assert.equal(
        await refusedWith(
          new WebSocket(lab.wsUrl(`token=${TOKEN}`), { headers: { host: `evil.example:${lab.port}` } }),
        ),
        403,
      );
      assert.equal(await refusedWith(new WebSocket(lab.wsUrl(`since=x&token=${TOKEN}`))), 400);
      assert.equal(await refusedWith(new WebSocket(`ws://127.0.0.1:${lab.port}/api/world?token=${TOKEN}`)), 404);
      assert.equal(lab.world.listeners(), 0, 'no refused client subscribed');
      const ok = new WebSocket(lab.wsUrl(''), {
        headers: { authorization: `Bearer ${TOKEN}` },
        origin: `http://127.0.0.1:${lab.port}`,
      });
      t.after(() => ok.terminate());
      await opened(ok);
    },
  );

  test(
    'a client that does not read is closed with 1013, not buffered without bound',
    { timeout: 30_000 },
    async (t) => {
      const lab = await startLab(t, { stream: { maxBufferedBytes: 64 * 1024 } });
      const ws = new WebSocket(lab.wsUrl(`token=${TOKEN}`));
      t.after(() => ws.terminate());
      await opened(ws);
      const closed = closeOf(ws);
      ws.pause();
      const args = 'x'.repeat(2000);
      let emitted = 0;
      while (lab.world.listeners() > 0 && emitted < 30_000) {
        for (let i = 0; i < 200; i++) lab.world.emit(args);
        emitted += 200;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(lab.world.listeners(), 0, `the stream gave up on the client after ${emitted} events`);
      ws.resume();
      assert.equal(await closed, 1013);
    },
  );

  test('close() ends streams and unsubscribes them', { timeout: 10_000 }, async (t) => {
    const lab = await startLab(t);
    const ws = new WebSocket(lab.wsUrl(`token=${TOKEN}`));
    t.after(() => ws.terminate());
    await opened(ws);
    assert.equal(lab.world.listeners(), 1);
    const closed = closeOf(ws);
    await lab.server.close();
    assert.equal(lab.world.listeners(), 0);
    assert.equal(await closed, 1006);
  });
});
