import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WorldClock } from '../../server/core/clock.js';
import { QueueStore } from '../../server/queue/queue-store.js';

const CHILD = fileURLToPath(new URL('./fixtures/queue-crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Kill once this many messages were acknowledged: well inside the stream. */
const KILL_AFTER_ACKS = 400;

interface ChildLog {
  queued: Map<string, number>;
  delivered: Set<number>;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Run the child until it acknowledged KILL_AFTER_ACKS messages, then SIGKILL it. */
function runAndKill(file: string): Promise<ChildLog> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: ChildLog = { queued: new Map(), delivered: new Set(), signal: null, stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => (log.stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const [word, a, b] = line.split(' ');
    if (word === 'queued') log.queued.set(a!, Number(b));
    if (word === 'delivered') log.delivered.add(Number(a));
    if (log.queued.size === KILL_AFTER_ACKS) child.kill('SIGKILL');
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // Lines already in the pipe when the child died are still acknowledgements: read them all.
  const drained = new Promise<void>((resolve) => lines.on('close', resolve));
  return Promise.all([exited, drained]).then(([signal]) => ({ ...log, signal }));
}

test('kill -9 mid-stream: nothing acknowledged is lost, nothing is half written, nothing delivered twice', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'queue.sqlite');

  const log = await runAndKill(file);
  assert.equal(log.signal, 'SIGKILL', `child should die by SIGKILL; stderr: ${log.stderr}`);
  assert.ok(log.queued.size >= KILL_AFTER_ACKS);

  const store = QueueStore.open({ file, clock: new WorldClock() });
  t.after(() => store.close());

  for (const [queueId, recipientCount] of log.queued) {
    const message = store.get(queueId);
    assert.ok(message, `acknowledged ${queueId} is in the queue`);
    assert.equal(message.recipients.length, recipientCount);
  }
  const all = store.list({ includeDone: true, limit: 1_000_000 });
  assert.ok(all.length >= log.queued.size);
  for (const message of all) {
    const expected = Number(/_r(\d+)$/.exec(message.queueId)?.[1]);
    assert.equal(message.recipients.length, expected, `${message.queueId} has all its recipients`);
    assert.equal(store.history(message.queueId).filter((h) => h.action === 'E').length, expected);
    if (message.status !== 'done') assert.ok(store.raw(message.queueId), `${message.queueId} still has its body`);
  }

  // Restart: in-flight recipients go back to pending, delivered ones never do.
  store.recover();
  const due = store.dueRecipients(Number.MAX_SAFE_INTEGER, 1_000_000);
  for (const recipient of due)
    assert.ok(!log.delivered.has(recipient.recipientId), 'a delivered recipient is not due again');
  const statuses = all.flatMap((m) => store.get(m.queueId)!.recipients);
  for (const recipient of statuses) {
    if (log.delivered.has(recipient.recipientId)) assert.equal(recipient.status, 'delivered');
    else assert.ok(recipient.status === 'pending' || recipient.status === 'delivered', recipient.status);
  }
  assert.equal(due.length, statuses.filter((r) => r.status === 'pending').length);
  assert.ok(log.delivered.size > 0, 'the child delivered some recipients before dying');
});
