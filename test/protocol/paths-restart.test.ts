// A retry schedule survives a restart: the smarthost's queue is on disk, and a new world
// on the same data dir picks the waiting message up at the very time it was due.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import type { QueuedMessage } from '../../server/queue/types.js';
import { ControlClient } from '../helpers/control-client.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';
import { dequeued, handedTo, MX1, one, SMARTHOST, submit } from './paths-fixture.js';

function waitingAt(queue: QueuedMessage[], queueId: string) {
  const message = queue.find((m) => m.queueId === queueId);
  assert.ok(message, `${queueId} is in the smarthost's queue`);
  const [recipient] = message.recipients;
  return {
    status: message.status,
    address: recipient?.address,
    recipientStatus: recipient?.status,
    attempts: recipient?.attempts,
    nextAttemptAt: recipient?.nextAttemptAt,
  };
}

test(
  '8. restart in the middle of a retry schedule keeps it; the retry happens when the clock gets there',
  { timeout: 60_000 },
  async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-'));
    const worlds: TestWorld[] = [];
    t.after(async () => {
      for (const w of worlds) await w.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    // First life: example.com is down, the smarthost defers erin's mail.
    const first = await startTestWorld({ dataDir, clock: { kind: 'stepped' } });
    worlds.push(first);
    const api1 = new ControlClient(first.world);
    await api1.addFault({ kind: 'down', target: 'example.com' });
    const queueId = await submit(first, 'alice', {
      from: 'alice@siroe.example',
      to: 'erin@example.com',
      subject: 'Across a restart',
    });
    const relayId = await handedTo(first, queueId, SMARTHOST);
    const deferred = await first.waitFor('delivery.deferred', (e) => e.data.queueId === relayId);
    assert.equal(deferred.data.attempt, 1);
    const nextAttemptAt = deferred.data.nextAttemptAt!;
    assert.equal(
      nextAttemptAt,
      first.world.clock.now() + 60 * 60_000,
      'first retry in 60 minutes (the default schedule)',
    );
    const before = waitingAt(await api1.queue(SMARTHOST), relayId);
    assert.deepEqual(before, {
      status: 'queued',
      address: 'erin@example.com',
      recipientStatus: 'pending',
      attempts: 1,
      nextAttemptAt,
    });
    const lastSeq = first.events().at(-1)!.seq;
    await first.close();

    // Second life on the same data dir: same queue, same schedule; the fault is gone
    // (fault switches live in memory, they are an instructor's switch, not world state).
    const second = await startTestWorld({ dataDir, clock: { kind: 'stepped' } });
    worlds.push(second);
    const api2 = new ControlClient(second.world);
    assert.deepEqual(await api2.faults(), []);
    assert.deepEqual(waitingAt(await api2.queue(SMARTHOST), relayId), before);
    assert.ok(second.world.clock.now() < nextAttemptAt, 'not due yet');
    // The trace log survived too, and goes on from where it was.
    const history = await api2.ok<TraceEvent[]>('GET', `/api/trace?since=${deferred.seq - 1}&limit=1`);
    assert.deepEqual(
      history.map((e) => [e.seq, e.kind, e.traceId]),
      [[deferred.seq, 'delivery.deferred', relayId]],
    );
    const restarted = await api2.ok<TraceEvent[]>('GET', `/api/trace?since=${lastSeq}&limit=10`);
    assert.deepEqual(
      restarted.map((e) => e.seq),
      restarted.map((_, i) => lastSeq + 1 + i),
      'seq goes on, gap-free, across the restart',
    );
    assert.ok(restarted.some((e) => e.kind === 'world.started'));
    assert.deepEqual(
      second.events(relayId).map((e) => e.kind),
      [],
      'nothing is tried before its time',
    );

    // Step the world clock to the retry time: the smarthost tries again and mx1 takes it.
    await api2.ok('POST', '/api/clock', { advanceMs: nextAttemptAt - second.world.clock.now() });
    const mxId = await handedTo(second, relayId, MX1);
    const attempt = one(second.events(relayId), 'delivery.attempted', (e) => e.data.mx === MX1);
    assert.equal(attempt.data.attempt, 2);
    assert.ok(attempt.at >= nextAttemptAt, 'not before it was due');
    await dequeued(second, mxId);
    const stored = one(second.events(mxId), 'mailbox.stored');
    assert.deepEqual([stored.node, stored.data.address, stored.data.folder], [MX1, 'erin@example.com', 'INBOX']);
    assert.equal((await dequeued(second, relayId)).data.outcome, 'delivered');
    assert.ok(!(await api2.queue(SMARTHOST)).some((m) => m.queueId === relayId), 'it left the smarthost queue');
  },
);
