import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAttemptAt } from '../../server/mta/delivery/retry-policy.js';

const schedule = [60, 120, 120, 240, 240, 240, 480];

test('retries follow the schedule and stop after the last interval', () => {
  const now = 1_000_000;
  assert.equal(nextAttemptAt(1, now, schedule), now + 60 * 60_000);
  assert.equal(nextAttemptAt(2, now, schedule), now + 120 * 60_000);
  assert.equal(nextAttemptAt(7, now, schedule), now + 480 * 60_000);
  assert.equal(nextAttemptAt(8, now, schedule), undefined);
});

test('a shortened schedule from a scenario is honoured', () => {
  assert.equal(nextAttemptAt(1, 0, [1]), 60_000);
  assert.equal(nextAttemptAt(2, 0, [1]), undefined);
});
