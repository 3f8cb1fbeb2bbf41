/**
 * Child process for store-durability.test.ts: delivers, prints the results, then
 * stays alive without closing the store until the parent kills it with SIGKILL.
 * Usage: node --import tsx store-crash-child.ts <file> <count>
 */
import { WorldClock } from '../../server/core/clock.js';
import { MessageStore } from '../../server/store/message-store.js';
import { ALICE, HOST, makeMessage } from './store-fixture.js';

const [file, countText] = process.argv.slice(2);
const clock = new WorldClock();
const store = MessageStore.open({ file: file!, host: HOST, clock });
store.ensureUser(ALICE, 'alice');
const results = await Promise.all(
  Array.from({ length: Number(countText) }, (_, i) =>
    store.deliver({ address: ALICE, raw: makeMessage({ subject: `crash ${i}` }), dedupeKey: `q_crash:${i}` }),
  ),
);
process.stdout.write(JSON.stringify(results.map((r) => r.uid)) + '\n');
// Keep the process (and the open, unclosed store) alive until the parent kills it.
setInterval(() => undefined, 1 << 30);
