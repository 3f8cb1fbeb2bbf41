import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import type { MailboxMessageView, WorldView } from '../../server/api/world-view.js';
import type { HistoryRecord, QueuedMessage } from '../../server/queue/types.js';
import { assertSecurityHeaders, jsonOf, START_AT, startLab, TOKEN } from '../helpers/http-api-fixture.js';

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
    // The spelling: {"mode":"scaled","factor":N}.
    const factor = await lab.post('/api/clock', JSON.stringify({ mode: 'scaled', factor: 60 }));
    assert.equal(factor.status, 200);
    assert.equal((jsonOf(factor) as { mode: string }).mode, 'scaled:60');
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
      ['{"mode":"real","factor":2}', /factor goes with "mode":"scaled"/],
      ['{"mode":"scaled","factor":0}', /factor goes with/],
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
