import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newQueueId, randomId } from '../../server/core/ids.js';

test('queue ids made one after the other sort one after the other, and never repeat', () => {
  const ids = Array.from({ length: 20_000 }, () => newQueueId());
  for (const id of ids) assert.match(id, /^msg_[a-km-np-z2-9]{10}$/);
  assert.deepEqual([...ids].sort(), ids, 'in the order they were made');
  assert.equal(new Set(ids).size, ids.length);
  // Many ids in one millisecond still get distinct, increasing time parts.
  const heads = ids.map((id) => id.slice(4, 10));
  assert.equal(new Set(heads).size, heads.length);
});

test('other ids stay random: their order says nothing', () => {
  const ids = Array.from({ length: 200 }, () => randomId('flt', 8));
  for (const id of ids) assert.match(id, /^flt_[a-km-np-z2-9]{8}$/);
  assert.notDeepEqual([...ids].sort(), ids);
});
