// MessageDelivery + SmtpChannel: the real hop reaches the queue and the trace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MessageDelivery } from '../../server/mta/delivery/message-delivery.js';
import type { DeliveryChannel } from '../../server/mta/delivery/channel.js';
import { Bouncer } from '../../server/mta/dsn/bouncer.js';
import { QueueStore } from '../../server/queue/queue-store.js';
import { startServer } from '../helpers/smtp-server-fixture.js';
import { channel, closedPort, FakeResolver } from './smtp-channel-fixture.js';

const START_AT = 1_700_000_000_000;
const NODE = 'smarthost.siroe.example';

/** A smarthost's delivery pass: queue on a temp file, every recipient routed to its domain's MX. */
async function smarthost(t: TestContext, ports: Record<string, number>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  const clock = new WorldClock({ kind: 'stepped' }, undefined, START_AT);
  const tracer = new MemoryTracer(clock);
  const queue = QueueStore.open({ file: path.join(dir, 'queue.sqlite'), clock });
  t.after(() => {
    queue.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const resolver = new FakeResolver({
    mx: {
      'example.com': [
        { exchange: 'mx1.example.com', priority: 10 },
        { exchange: 'mx2.example.com', priority: 20 },
      ],
    },
    a: { 'mx1.example.com': ['127.0.0.1'], 'mx2.example.com': ['127.0.0.1'] },
  });
  const bouncer = new Bouncer({ queue, tracer, clock, reportingMta: NODE, kick: () => {} });
  // Channels this test never routes to.
  const unavailable: DeliveryChannel = {
    name: 'tcp_intranet',
    deliver: async () => assert.fail('no recipient is routed here'),
    close: async () => {},
  };
  const delivery = () =>
    new MessageDelivery({
      node: NODE,
      queue,
      clock,
      tracer,
      bouncer,
      retryScheduleMinutes: [60],
      router: {
        resolve: async (address) => ({
          kind: 'route',
          route: { kind: 'smarthost', channel: 'tcp_local', host: address.split('@')[1]!, reason: 'test' },
        }),
      },
      channels: { 'ims-ms': unavailable, tcp_intranet: unavailable, tcp_local: channel(t, resolver, ports) },
    });
  const send = async (queueId: string, recipients: string[]) => {
    const message = await queue.enqueue({
      queueId,
      traceId: `msg_${queueId}`,
      sender: '',
      recipients: recipients.map((address) => ({ address })),
      raw: Buffer.from(`Subject: ${queueId}\r\n\r\nhi\r\n`),
      source: 'smtp',
      origin: '127.0.0.1 [mta.siroe.example]',
      receivedAt: START_AT,
    });
    await delivery().run(queueId, message.recipients);
    return tracer.events.filter((e) => e.traceId === `msg_${queueId}`);
  };
  return { send, queue };
}

test('mx1 down, mx2 up: one attempt event per MX tried, success recorded at mx2', async (t) => {
  const mx2 = await startServer(
    t,
    { hostname: 'mx2.example.com', node: 'mx2.example.com' },
    { onRcptTo: async () => {} },
  );
  const downPort = await closedPort();
  const { send, queue } = await smarthost(t, { 'mx1.example.com': downPort, 'mx2.example.com': mx2.port });

  const events = await send('q1', ['erin@example.com']);

  const attempted = events.filter((e) => e.kind === 'delivery.attempted');
  assert.deepEqual(
    attempted.map(
      (e) =>
        e.kind === 'delivery.attempted' && [
          e.spanId,
          e.parentSpanId,
          e.from,
          e.to,
          e.data.host,
          e.data.mx,
          e.data.preference,
          e.data.port,
        ],
    ),
    [
      ['q1.d1', 'q1', undefined, undefined, 'example.com', undefined, undefined, undefined],
      ['q1.d1.a1', 'q1.d1', NODE, 'mx1.example.com', 'example.com', 'mx1.example.com', 10, downPort],
      ['q1.d1.a2', 'q1.d1', NODE, 'mx2.example.com', 'example.com', 'mx2.example.com', 20, mx2.port],
    ],
  );
  const succeeded = events.find((e) => e.kind === 'delivery.succeeded');
  assert.ok(succeeded && succeeded.kind === 'delivery.succeeded');
  assert.deepEqual([succeeded.from, succeeded.to, succeeded.data.host], [NODE, 'mx2.example.com', 'mx2.example.com']);
  assert.match(succeeded.data.text, /^mx2\.example\.com said: 250 /);
  assert.equal(queue.get('q1')?.recipients[0]?.status, 'delivered');
  assert.equal(mx2.received.length, 1);
});

test('answers from mx1 are recorded per recipient with mx1 as the host', async (t) => {
  const mx1 = await startServer(
    t,
    { hostname: 'mx1.example.com', node: 'mx1.example.com' },
    {
      onRcptTo: async (_s, to) => {
        if (to.address.startsWith('nobody@')) {
          throw new MailError({ code: 550, enhanced: '5.1.1', publicText: 'No such user', component: 'test' });
        }
        if (to.address.startsWith('full@')) {
          throw new MailError({ code: 452, enhanced: '4.2.2', publicText: 'Mailbox full', component: 'test' });
        }
      },
    },
  );
  const { send, queue } = await smarthost(t, { 'mx1.example.com': mx1.port });

  const events = await send('q2', ['erin@example.com', 'nobody@example.com', 'full@example.com']);

  const outcomes = events
    .filter((e) => e.kind === 'delivery.succeeded' || e.kind === 'delivery.failed' || e.kind === 'delivery.deferred')
    .map((e) => 'recipient' in e.data && [e.kind, e.data.recipient, e.data.host])
    .sort();
  assert.deepEqual(outcomes, [
    ['delivery.deferred', 'full@example.com', 'mx1.example.com'],
    ['delivery.failed', 'nobody@example.com', 'mx1.example.com'],
    ['delivery.succeeded', 'erin@example.com', 'mx1.example.com'],
  ]);
  const failed = events.find((e) => e.kind === 'delivery.failed');
  assert.ok(failed && failed.kind === 'delivery.failed');
  assert.equal(failed.data.text, 'mx1.example.com said: 550 5.1.1 No such user');
  assert.deepEqual(
    queue.get('q2')?.recipients.map((r) => [r.address, r.status, r.lastCode, r.nextAttemptAt > START_AT]),
    [
      ['erin@example.com', 'delivered', 250, false],
      ['nobody@example.com', 'failed', 550, false],
      // Deferred: waiting again, for the next try an hour later.
      ['full@example.com', 'pending', 452, true],
    ],
  );
});

test('every MX down: deferred, host stays the domain, the text names each MX', async (t) => {
  const downPort = await closedPort();
  const { send } = await smarthost(t, { 'mx1.example.com': downPort });

  const events = await send('q3', ['erin@example.com']);

  assert.equal(events.filter((e) => e.kind === 'delivery.attempted').length, 3);
  const deferred = events.find((e) => e.kind === 'delivery.deferred');
  assert.ok(deferred && deferred.kind === 'delivery.deferred');
  assert.equal(deferred.data.host, 'example.com');
  assert.equal(deferred.data.code, 451);
  assert.match(
    deferred.data.text,
    /mx1\.example\.com\[127\.0\.0\.1:\d+\]: connection refused; mx2\.example\.com\[127\.0\.0\.1\]: /,
  );
});
