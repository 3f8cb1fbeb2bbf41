/**
 * Queue throughput: N enqueues of a 4 KiB message with K in flight (like K SMTP
 * sessions each waiting for its 250), then every recipient claimed and marked
 * delivered with K in flight (like K delivery connections). Real file, real fsync.
 *
 *   npx tsx bench/queue.ts [messages=20000] [inFlight=20] [sizeBytes=4096]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorldClock } from '../server/core/clock.js';
import { QueueStore } from '../server/queue/queue-store.js';

export interface QueueBenchOptions {
  messages: number;
  inFlight: number;
  sizeBytes: number;
}

export interface QueueBenchResult {
  enqueuesPerSecond: number;
  updatesPerSecond: number;
  enqueueCommits: number;
  updateCommits: number;
}

/** Run `total` jobs with at most `inFlight` at a time. */
async function pool(total: number, inFlight: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
}

export async function benchQueue(opts: QueueBenchOptions): Promise<QueueBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  const store = QueueStore.open({ file: path.join(dir, 'queue.sqlite'), clock: new WorldClock() });
  try {
    const raw = Buffer.alloc(opts.sizeBytes, 0x61);
    const t0 = performance.now();
    await pool(opts.messages, opts.inFlight, (i) =>
      store.enqueue({
        queueId: `bench_${i}`,
        traceId: `trace_${i}`,
        sender: 'alice@siroe.example',
        recipients: [{ address: `user${i % 100}@siroe.example` }],
        raw,
        source: 'smtp',
        origin: '127.0.0.1',
        receivedAt: Date.now(),
      }),
    );
    const enqueueMs = performance.now() - t0;
    const enqueueCommits = store.commitCount;

    const t1 = performance.now();
    // The scheduler's way: take a page of due recipients, claim it, deliver it.
    for (;;) {
      const due = store.dueRecipients(Number.MAX_SAFE_INTEGER, 512);
      if (due.length === 0) break;
      store.claim(due.map((r) => r.recipientId));
      await pool(due.length, opts.inFlight, (i) =>
        store.markDelivered(due[i]!.recipientId, { channel: 'lmtp', host: 'mailboxa', code: 250, text: '2.0.0 Ok' }),
      );
    }
    const updateMs = performance.now() - t1;
    if (store.stats().messages.done !== opts.messages) throw new Error('not every message was delivered');
    return {
      enqueuesPerSecond: Math.round((opts.messages * 1000) / enqueueMs),
      updatesPerSecond: Math.round((opts.messages * 1000) / updateMs),
      enqueueCommits,
      updateCommits: store.commitCount - enqueueCommits,
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [messages = 20_000, inFlight = 20, sizeBytes = 4096] = process.argv.slice(2).map(Number);
  const result = await benchQueue({ messages, inFlight, sizeBytes });
  console.log(`queue: ${messages} messages of ${sizeBytes} bytes, ${inFlight} in flight`);
  console.log(`  enqueues/s  ${result.enqueuesPerSecond}  (${result.enqueueCommits} commits)`);
  console.log(`  updates/s   ${result.updatesPerSecond}  (${result.updateCommits} commits)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
