import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import type { TraceEvent } from '../../server/api/trace.js';
import { startLab, TOKEN } from '../helpers/http-api-fixture.js';

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
