/**
 * Message store throughput: 20,000 deliveries of 4 KiB, 20 in flight at a time,
 * on a real file (WAL, synchronous=FULL). Not a test: run it and read the figure.
 *
 *   npx tsx bench/store.ts [--count N] [--concurrency N] [--size BYTES]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorldClock } from '../server/core/clock.js';
import { MessageStore } from '../server/store/message-store.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '20' },
    size: { type: 'string', default: '4096' },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const sizeBytes = Number(values.size);
const users = Array.from({ length: 10 }, (_, i) => `user${i}@siroe.example`);

function message(i: number): Buffer {
  const header =
    `Return-Path: <bench@example.com>\r\nFrom: Bench <bench@example.com>\r\nTo: <${users[i % users.length]}>\r\n` +
    `Subject: =?UTF-8?Q?Bench_message_=E2=84=96_${i}?=\r\nDate: Mon, 06 Jan 2025 10:00:00 +0100\r\n` +
    `Message-ID: <bench.${i}@example.com>\r\n\r\n`;
  const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n'.repeat(Math.ceil(sizeBytes / 58));
  return Buffer.from((header + body).slice(0, sizeBytes));
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-bench-'));
  const clock = new WorldClock();
  const store = MessageStore.open({ file: path.join(dir, 'store.sqlite'), host: 'mailboxa.siroe.example', clock });
  try {
    users.forEach((u, i) => store.ensureUser(u, `user${i}`));
    const bodies = Array.from({ length: 100 }, (_, i) => message(i));
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        await store.deliver({
          address: users[i % users.length]!,
          raw: bodies[i % bodies.length]!,
          dedupeKey: `q_${i}:x`,
        });
      }
    };
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsedMs = performance.now() - startedAt;
    const stats = store.deliveryStats();
    const rate = Math.round(count / (elapsedMs / 1000));
    console.log(`${count} deliveries of ${sizeBytes} bytes, ${concurrency} in flight: ${elapsedMs.toFixed(0)} ms`);
    console.log(
      `${rate} deliveries/s; ${stats.batches} commits, ${(stats.stored / stats.batches).toFixed(1)} per commit`,
    );
  } finally {
    store.close();
    clock.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
