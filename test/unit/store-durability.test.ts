import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WorldClock } from '../../server/core/clock.js';
import { MessageStore } from '../../server/store/message-store.js';
import { ALICE, HOST, makeMessage } from './store-fixture.js';

const childScript = fileURLToPath(new URL('./store-crash-child.ts', import.meta.url));

test(
  'a delivery whose promise resolved survives SIGKILL of the process; redelivery is a duplicate',
  { timeout: 30_000 },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'store.sqlite');

    const child = spawn(process.execPath, ['--import', 'tsx', childScript, file, '30'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => child.kill('SIGKILL'));
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout! });
    const [firstLine] = (await once(lines, 'line')) as [string];
    const uids = JSON.parse(firstLine) as number[];
    assert.equal(uids.length, 30);
    child.kill('SIGKILL');
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL', 'the store was never closed');

    const clock = new WorldClock();
    const store = MessageStore.open({ file, host: HOST, clock });
    t.after(() => store.close());
    const stored = store.listMessages(ALICE, 'INBOX');
    assert.deepEqual(
      stored.map((m) => m.uid),
      [...uids].sort((a, b) => a - b),
    );
    assert.equal(stored[0]!.subject, 'crash 0');
    // The queue did not hear back before the crash and delivers again: nothing new is stored.
    const again = await store.deliver({
      address: ALICE,
      raw: makeMessage({ subject: 'crash 7' }),
      dedupeKey: 'q_crash:7',
    });
    assert.deepEqual([again.duplicate, again.uid], [true, uids[7]]);
    assert.equal(store.listMessages(ALICE, 'INBOX').length, 30);
  },
);
