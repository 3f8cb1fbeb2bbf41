import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  exceedsMax,
  formatSequenceSet,
  parseSequenceSet,
  resolveSequenceSet,
  resolveUidSet,
  setContains,
} from '../../server/store/imap/syntax/sequence-set.js';
import { ImapSyntaxError } from '../../server/store/imap/syntax/types.js';

test('sequence sets resolve to sorted unique numbers, with * and reversed ranges', () => {
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('2,4:7,9'), 20), [2, 4, 5, 6, 7, 9]);
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('*'), 12), [12]);
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('5:3'), 12), [3, 4, 5]);
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('*:10'), 12), [10, 11, 12]);
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('9,1:3,2:4,9'), 12), [1, 2, 3, 4, 9]);
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('1:*'), 0), []);
  assert.deepEqual(resolveSequenceSet(parseSequenceSet('10:20'), 12), [10, 11, 12]);
  assert.equal(exceedsMax(parseSequenceSet('10:20'), 12), true);
  assert.equal(exceedsMax(parseSequenceSet('1:*'), 12), false);
});

test('bad sequence sets are syntax errors', () => {
  for (const bad of ['', '0', '1:', ':3', '1::2', 'a', '1,,2', '4294967296', '01']) {
    assert.throws(() => parseSequenceSet(bad), ImapSyntaxError, bad);
  }
});

test('UID sets use the existing UIDs; n:* includes the last UID even when n is above it', () => {
  const uids = [3, 7, 8, 20, 559];
  assert.deepEqual(resolveUidSet(parseSequenceSet('1:*'), uids), uids);
  assert.deepEqual(resolveUidSet(parseSequenceSet('8:4'), uids), [7, 8]);
  assert.deepEqual(resolveUidSet(parseSequenceSet('600:*'), uids), [559]);
  assert.deepEqual(resolveUidSet(parseSequenceSet('4:6,21'), uids), []);
  assert.deepEqual(resolveUidSet(parseSequenceSet('*'), []), []);
});

test('1:* over 10,000 messages and a hostile set of many ranges are fast', () => {
  const uids = Array.from({ length: 10_000 }, (_, i) => i * 2 + 1);
  const started = performance.now();
  assert.equal(resolveSequenceSet(parseSequenceSet('1:*'), 10_000).length, 10_000);
  assert.equal(resolveUidSet(parseSequenceSet('1:*'), uids).length, 10_000);
  const many = Array.from({ length: 5_000 }, (_, i) => `${i + 1}:*`).join(',');
  assert.equal(resolveUidSet(parseSequenceSet(many), uids).length, 10_000);
  assert.equal(resolveSequenceSet(parseSequenceSet('1:4294967295'), 10_000).length, 10_000);
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < 200, `took ${elapsedMs} ms`);
});

test('membership and compact formatting', () => {
  const set = parseSequenceSet('2,4:7,*');
  assert.equal(setContains(set, 5, 30), true);
  assert.equal(setContains(set, 30, 30), true);
  assert.equal(setContains(set, 3, 30), false);
  assert.equal(formatSequenceSet([5, 1, 2, 3, 9, 10, 2]), '1:3,5,9:10');
  assert.equal(formatSequenceSet([]), '');
});
