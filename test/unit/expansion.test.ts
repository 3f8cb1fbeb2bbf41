import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planExpansion } from '../../server/mta/delivery/expansion.js';
import type { QueuedRecipient, RecipientStatus } from '../../server/queue/types.js';

let nextId = 1;
const rcpt = (address: string, status: RecipientStatus): QueuedRecipient => ({
  queueId: 'msg_x',
  recipientId: nextId++,
  address,
  originalAddress: address,
  status,
  attempts: 0,
  nextAttemptAt: 0,
  updatedAt: 0,
});
const targets = (...addresses: string[]) =>
  addresses.map((address) => ({ address, originalAddress: 'parent@siroe.example' }));

test('a group adds only members the message does not have yet', () => {
  const staff = rcpt('staff@siroe.example', 'active');
  const alice = rcpt('Alice@siroe.example', 'delivered');
  const plan = planExpansion(
    [staff, alice],
    staff,
    targets('alice@siroe.example', 'bob@siroe.example', 'bob@siroe.example'),
  );
  assert.deepEqual(plan.kind === 'add' && plan.fresh.map((t) => t.address), ['bob@siroe.example']);
});

test('everyone already covered is not a loop: nothing to add', () => {
  const staff = rcpt('staff@siroe.example', 'active');
  const plan = planExpansion([staff, rcpt('bob@siroe.example', 'pending')], staff, targets('bob@siroe.example'));
  assert.deepEqual(plan, { kind: 'add', fresh: [] });
});

test('a forward that keeps a copy may name the parent itself', () => {
  const fred = rcpt('fred@siroe.example', 'active');
  const plan = planExpansion([fred], fred, targets('carol@siroe.example', 'fred@siroe.example'));
  assert.equal(plan.kind === 'add' && plan.fresh.length, 2);
});

test('forwarding back to an address that was itself expanded away is a loop', () => {
  const pa = rcpt('pa@siroe.example', 'expanded');
  const pb = rcpt('pb@siroe.example', 'active');
  assert.deepEqual(planExpansion([pa, pb], pb, targets('pa@siroe.example')), { kind: 'loop' });
});
