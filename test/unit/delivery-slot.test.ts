import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import type { DeliveryChannel, DeliveryJob } from '../../server/mta/delivery/channel.js';
import { DeliveryScheduler } from '../../server/mta/delivery/scheduler.js';
import type { Bouncer } from '../../server/mta/dsn/bouncer.js';
import { QueueStore } from '../../server/queue/queue-store.js';

/**
 * The scheduler's delivery slots, with a real queue file: a message committed for
 * immediate delivery has its recipients 'active' at once; if that delivery then does
 * not start, giving the slot back makes them pending so a pass delivers them.
 */

function setup(t: TestContext, maxInFlight = 4) {
  const dir = mkdtempSync(join(tmpdir(), 'mailscope-slot-'));
  const clock = new WorldClock();
  const queue = QueueStore.open({ file: join(dir, 'queue.sqlite'), clock });
  const jobs: DeliveryJob[] = [];
  const channel: DeliveryChannel = {
    name: 'ims-ms',
    deliver: async (job) => {
      jobs.push(job);
      return job.recipients.map((r) => ({ recipientId: r.recipientId, status: 'delivered', code: 250, text: 'ok' }));
    },
    close: async () => undefined,
  };
  const scheduler = new DeliveryScheduler({
    node: 'mta.siroe.example',
    queue,
    clock,
    tracer: new MemoryTracer(clock),
    router: {
      resolve: async () => ({
        kind: 'route',
        route: { kind: 'store', channel: 'ims-ms', host: 'mailboxa.siroe.example', reason: 'test' },
      }),
    },
    channels: { 'ims-ms': channel, tcp_intranet: channel, tcp_local: channel },
    retryScheduleMinutes: () => [1],
    bouncer: {} as Bouncer,
    maxInFlight,
  });
  t.after(async () => {
    await scheduler.stop();
    queue.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { queue, scheduler, jobs };
}

const newMessage = (queueId: string, deliveringNow: boolean) => ({
  queueId,
  traceId: queueId,
  sender: 'a@example.com',
  recipients: [{ address: 'alice@siroe.example' }],
  raw: Buffer.from('Subject: slot\r\n\r\nhi\r\n'),
  source: 'smtp',
  origin: '127.0.0.1 [test]',
  receivedAt: 0,
  deliveringNow,
});

test('a slot given back after the commit puts the active recipients back and they are delivered', async (t) => {
  const { queue, scheduler, jobs } = setup(t);
  const slot = scheduler.reserve();
  assert.ok(slot);
  const queued = await queue.enqueue(newMessage('q-back', true));
  assert.deepEqual(
    queued.recipients.map((r) => r.status),
    ['active'],
  );
  assert.equal(queue.dueRecipients(Date.now(), 10).length, 0, 'active: no pass would take it');

  // What accept-message does when something fails after the commit.
  slot.release('q-back');
  assert.equal(queue.get('q-back')?.recipients[0]?.status, 'pending', 'back to pending at once');
  await waitFor(() => jobs.length === 1);
  await waitFor(() => queue.get('q-back')?.status === 'done');
  assert.equal(queue.get('q-back')?.recipients[0]?.status, 'delivered');
});

test('slots count as deliveries in flight: none when all are taken, one again after a release', async (t) => {
  const { scheduler } = setup(t, 1);
  const first = scheduler.reserve();
  assert.ok(first);
  assert.equal(scheduler.reserve(), undefined, 'at capacity');
  first.release('never-enqueued');
  const again = scheduler.reserve();
  assert.ok(again, 'the place is free again');
  // A slot never given back would hold stop() forever: every path must start or release it.
  again.release('never-enqueued');
});

/** Polls on the event loop (no timers) until `check` holds; the test's own timeout bounds it. */
async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}
