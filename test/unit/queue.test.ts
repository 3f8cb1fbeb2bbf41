import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { QueueStore } from '../../server/queue/queue-store.js';
import type { NewMessage } from '../../server/queue/types.js';

const START_AT = 1_700_000_000_000;
const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  tempDirs.push(dir);
  return path.join(dir, 'queue.sqlite');
}

/** A store on a fresh file with a stepped clock; closed when the test ends. */
function openStore(t: { after: (fn: () => void) => void }, file = tempFile()) {
  const clock = new WorldClock({ kind: 'stepped' }, undefined, START_AT);
  const store = QueueStore.open({ file, clock });
  t.after(() => store.close());
  return { store, clock, file };
}

function message(
  queueId: string,
  addresses: string[],
  raw = Buffer.from(`Subject: ${queueId}\r\n\r\nhi\r\n`),
): NewMessage {
  return {
    queueId,
    traceId: `trace_${queueId}`,
    sender: 'alice@siroe.example',
    recipients: addresses.map((address) => ({ address })),
    raw,
    source: 'smtp',
    origin: '127.0.0.1 [client.example]',
    receivedAt: START_AT,
  };
}

const ok = { channel: 'lmtp', host: 'mailboxa.siroe.example', code: 250, text: '2.0.0 Ok' };

test('enqueue is durable: reopening the file finds message, recipients, body and E records', async (t) => {
  const { store, file } = openStore(t);
  const raw = Buffer.alloc(4096, 0x41);
  await store.enqueue({ ...message('q1', ['bob@siroe.example', 'carol@siroe.example'], raw), envId: 'env1' });
  store.close();

  const { store: reopened } = openStore(t, file);
  const got = reopened.get('q1');
  assert.ok(got);
  assert.equal(got.status, 'queued');
  assert.equal(got.sizeBytes, 4096);
  assert.equal(got.envId, 'env1');
  assert.deepEqual(
    got.recipients.map((r) => [r.address, r.originalAddress, r.status, r.nextAttemptAt]),
    [
      ['bob@siroe.example', 'bob@siroe.example', 'pending', START_AT],
      ['carol@siroe.example', 'carol@siroe.example', 'pending', START_AT],
    ],
  );
  assert.deepEqual(reopened.raw('q1'), raw);
  const history = reopened.history('q1');
  assert.deepEqual(
    history.map((h) => [h.action, h.recipient, h.channel, h.sizeBytes]),
    [
      ['E', 'bob@siroe.example', 'smtp', 4096],
      ['E', 'carol@siroe.example', 'smtp', 4096],
    ],
  );
  assert.equal(history[0]!.status, 'from 127.0.0.1 [client.example]');
});

test('group commit: writes of one event-loop turn share one transaction', async (t) => {
  const { store } = openStore(t);
  const before = store.commitCount;
  const writes = Array.from({ length: 50 }, (_, i) => store.enqueue(message(`g${i}`, ['bob@siroe.example'])));
  assert.equal(store.get('g0'), undefined, 'nothing is visible before the commit');
  await Promise.all(writes);
  assert.equal(store.commitCount, before + 1);
  assert.equal(store.commitStats().largestBatch, 50);
  assert.equal(store.list().length, 50);

  // Recipient updates batch the same way, and writes made after a flush go to the next one.
  const due = store.dueRecipients(START_AT, 100);
  store.claim(due.map((r) => r.recipientId));
  await Promise.all(due.map((r) => store.markDelivered(r.recipientId, ok)));
  assert.equal(store.commitCount, before + 2);
  assert.equal(store.stats().messages.done, 50);
});

test('a failed enqueue is never half written and does not sink its batch', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('dup', ['bob@siroe.example']));
  const before = store.commitCount;
  const results = await Promise.allSettled([
    store.enqueue(message('fresh', ['bob@siroe.example'])),
    store.enqueue(message('dup', ['x@siroe.example', 'y@siroe.example'])),
  ]);
  assert.equal(store.commitCount, before + 1, 'both were in one batch');
  assert.equal(results[0].status, 'fulfilled');
  assert.equal(results[1].status, 'rejected');
  const error = (results[1] as PromiseRejectedResult).reason;
  assert.ok(error instanceof MailError);
  assert.equal(error.code, 451);
  assert.equal(error.enhanced, '4.3.0');
  assert.deepEqual(
    store.get('dup')?.recipients.map((r) => r.address),
    ['bob@siroe.example'],
  );
  assert.equal(store.history('dup').length, 1);
  assert.equal(store.stats().recipients.pending, 2);
});

test('a full disk answers 452 4.3.1 and leaves nothing behind', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('small', ['bob@siroe.example']));
  store.setSizeLimit(64 * 1024);
  await assert.rejects(store.enqueue(message('big', ['bob@siroe.example'], Buffer.alloc(512 * 1024, 0x42))), (err) => {
    assert.ok(err instanceof MailError);
    assert.equal(err.code, 452);
    assert.equal(err.enhanced, '4.3.1');
    return true;
  });
  assert.equal(store.get('big'), undefined);
  assert.deepEqual(store.history('big'), []);
  store.setSizeLimit(undefined);
  await store.enqueue(message('big', ['bob@siroe.example'], Buffer.alloc(512 * 1024, 0x42)));
  assert.equal(store.raw('big')?.length, 512 * 1024);
});

test('due, claim, recover: a crash returns in-flight recipients to pending', async (t) => {
  const { store, file } = openStore(t);
  await store.enqueue(message('q1', ['bob@siroe.example', 'carol@siroe.example']));
  await store.enqueue(message('q2', ['dave@eng.siroe.example']));
  const due = store.dueRecipients(START_AT, 10);
  assert.deepEqual(
    due.map((r) => [r.queueId, r.address]),
    [
      ['q1', 'bob@siroe.example'],
      ['q1', 'carol@siroe.example'],
      ['q2', 'dave@eng.siroe.example'],
    ],
  );
  assert.deepEqual(store.dueRecipients(START_AT, 2).length, 2, 'limit is honoured');
  assert.equal(store.claim(due.slice(0, 2).map((r) => r.recipientId)).length, 2);
  assert.deepEqual(store.claim([due[0]!.recipientId]), [], 'an active recipient cannot be claimed twice');
  assert.deepEqual(
    store.dueRecipients(START_AT, 10).map((r) => r.address),
    ['dave@eng.siroe.example'],
  );
  // Claims ride on the next group commit.
  await store.settled();
  assert.equal(store.get('q1')?.recipients[0]?.status, 'active');
  store.close();

  const { store: restarted } = openStore(t, file);
  assert.equal(restarted.recover(), 2);
  assert.equal(restarted.dueRecipients(START_AT, 10).length, 3);
  assert.equal(restarted.recover(), 0);
});

test('a deferred recipient is not due before nextAttemptAt (stepped clock)', async (t) => {
  const { store, clock } = openStore(t);
  await store.enqueue(message('q1', ['erin@example.com']));
  const [r] = store.dueRecipients(clock.now(), 10);
  store.claim([r!.recipientId]);
  const retryAt = clock.now() + 60 * 60_000;
  const update = await store.markDeferred(r!.recipientId, {
    channel: 'smtp',
    host: 'mx1.example.com',
    code: 421,
    text: '4.4.2 try later',
    nextAttemptAt: retryAt,
  });
  assert.deepEqual(update, { queueId: 'q1', applied: true, messageDone: false });
  assert.deepEqual(store.dueRecipients(clock.now(), 10), []);
  assert.equal(store.nextDueAt(), retryAt);
  clock.advance(60 * 60_000 - 1);
  assert.deepEqual(store.dueRecipients(clock.now(), 10), []);
  clock.advance(1);
  const [again] = store.dueRecipients(clock.now(), 10);
  assert.ok(again);
  assert.equal(again.status, 'pending');
  assert.equal(again.attempts, 1);
  assert.equal(again.lastCode, 421);
  assert.equal(again.lastText, '4.4.2 try later');
  const q = store.history('q1').at(-1)!;
  assert.deepEqual([q.action, q.channel, q.status], ['Q', 'smtp', '421 4.4.2 try later (mx1.example.com)']);
});

test('an outcome records the route it took; a later outcome that names none keeps it', async (t) => {
  const { store, clock } = openStore(t);
  await store.enqueue(message('q1', ['erin@example.com']));
  const [r] = store.dueRecipients(clock.now(), 10);
  store.claim([r!.recipientId]);
  const route = '{"kind":"relay","channel":"tcp_local","host":"smarthost.siroe.example"}';
  const deferral = { channel: 'tcp_local', code: 421, text: '4.4.2 try later', nextAttemptAt: clock.now() };
  await store.markDeferred(r!.recipientId, { ...deferral, route });
  assert.equal(store.get('q1')?.recipients[0]?.route, route);
  store.claim([r!.recipientId]);
  await store.markDeferred(r!.recipientId, deferral);
  assert.equal(store.get('q1')?.recipients[0]?.route, route);
});

test('expand: children keep the original address, parent is expanded, history X', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('q1', ['staff@siroe.example']));
  const [group] = store.dueRecipients(START_AT, 10);
  store.claim([group!.recipientId]);
  const children = store.expand(
    group!.recipientId,
    [{ address: 'alice@siroe.example' }, { address: 'bob@siroe.example', notify: 'FAILURE' }],
    'ldap',
  );
  assert.deepEqual(
    children.map((c) => [c.address, c.originalAddress, c.status]),
    [
      ['alice@siroe.example', 'staff@siroe.example', 'pending'],
      ['bob@siroe.example', 'staff@siroe.example', 'pending'],
    ],
  );
  assert.equal(store.get('q1')?.recipients[0]?.status, 'expanded');
  assert.deepEqual(
    store.dueRecipients(START_AT, 10).map((r) => r.address),
    ['alice@siroe.example', 'bob@siroe.example'],
  );
  const xs = store.history('q1').filter((h) => h.action === 'X');
  assert.deepEqual(
    xs.map((h) => [h.recipient, h.channel, h.status]),
    [
      ['alice@siroe.example', 'ldap', 'expanded from staff@siroe.example'],
      ['bob@siroe.example', 'ldap', 'expanded from staff@siroe.example'],
    ],
  );
  assert.throws(() => store.expand(group!.recipientId, [{ address: 'x@siroe.example' }], 'ldap'), /expanded/);
  assert.equal(store.get('q1')?.recipients.length, 3, 'a refused expansion adds nobody');
});

test('a message is done when every recipient is final: body dropped, envelope and log kept', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('q1', ['bob@siroe.example', 'nobody@siroe.example']));
  const [bob, nobody] = store.dueRecipients(START_AT, 10);
  store.claim([bob!.recipientId, nobody!.recipientId]);
  const first = await store.markDelivered(bob!.recipientId, ok);
  assert.deepEqual(first, { queueId: 'q1', applied: true, messageDone: false });
  assert.ok(store.raw('q1'));
  const last = await store.markFailed(nobody!.recipientId, { channel: 'lmtp', code: 550, text: '5.1.1 unknown user' });
  assert.deepEqual(last, { queueId: 'q1', applied: true, messageDone: true });
  const done = store.get('q1')!;
  assert.equal(done.status, 'done');
  assert.deepEqual(
    done.recipients.map((r) => r.status),
    ['delivered', 'failed'],
  );
  assert.equal(store.raw('q1'), undefined);
  assert.deepEqual(store.list(), []);
  assert.deepEqual(
    store.list({ includeDone: true }).map((m) => m.queueId),
    ['q1'],
  );
  assert.equal(store.nextDueAt(), undefined);
  // A late report about a final recipient changes nothing.
  const late = await store.markDelivered(nobody!.recipientId, ok);
  assert.deepEqual(late, { queueId: 'q1', applied: false, messageDone: true });
  assert.equal(store.get('q1')?.recipients[1]?.status, 'failed');
});

test('a DSN is logged as B lines on the original, in the same commit as the DSN itself', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('q1', ['nobody@siroe.example']));
  const [r] = store.dueRecipients(START_AT, 10);
  store.claim([r!.recipientId]);
  await store.markFailed(r!.recipientId, { channel: 'lmtp', code: 550, text: '5.1.1 unknown user' });
  const before = store.commitCount;
  await Promise.all([
    store.enqueue({ ...message('dsn1', ['alice@siroe.example']), sender: '', source: 'dsn' }),
    store.recordBounce('q1', { recipients: ['nobody@siroe.example'], dsnQueueId: 'dsn1', action: 'failed' }),
  ]);
  assert.equal(store.commitCount, before + 1);
  const b = store.history('q1').at(-1)!;
  assert.deepEqual(
    [b.action, b.channel, b.recipient, b.status],
    ['B', 'dsn', 'nobody@siroe.example', 'failed DSN dsn1'],
  );
  assert.equal(store.get('dsn1')?.sender, '');
  await assert.rejects(store.recordBounce('nope', { recipients: ['x'], dsnQueueId: 'd', action: 'failed' }), MailError);
});

test('an update for an unknown recipient rejects with a MailError', async (t) => {
  const { store } = openStore(t);
  await assert.rejects(store.markDelivered(999, ok), (err) => err instanceof MailError && err.code === 451);
});

test('hold excludes a message from due; release brings it back', async (t) => {
  const { store, clock } = openStore(t);
  await store.enqueue(message('q1', ['bob@siroe.example']));
  await store.enqueue(message('q2', ['carol@siroe.example']));
  const held = store.hold('q1', 'suspicious attachment');
  assert.equal(held?.status, 'held');
  assert.equal(held?.heldReason, 'suspicious attachment');
  assert.deepEqual(
    store.dueRecipients(clock.now(), 10).map((r) => r.queueId),
    ['q2'],
  );
  assert.equal(store.hold('q1', 'again')?.heldReason, 'suspicious attachment', 'holding twice changes nothing');
  assert.equal(store.hold('nope', 'x'), undefined);
  const released = store.release('q1');
  assert.equal(released?.status, 'queued');
  assert.equal(released?.heldReason, undefined);
  assert.deepEqual(
    store.dueRecipients(clock.now(), 10).map((r) => r.queueId),
    ['q1', 'q2'],
  );
  assert.deepEqual(
    store.history('q1').map((h) => [h.action, h.status]),
    [
      ['E', 'from 127.0.0.1 [client.example]'],
      ['H', 'suspicious attachment'],
      ['U', 'released'],
    ],
  );
});

test('a held message does not count for nextDueAt; retryNow makes a deferred recipient due', async (t) => {
  const { store, clock } = openStore(t);
  await store.enqueue(message('q1', ['erin@example.com']));
  const [r] = store.dueRecipients(clock.now(), 10);
  store.claim([r!.recipientId]);
  await store.markDeferred(r!.recipientId, {
    channel: 'smtp',
    text: 'no route',
    nextAttemptAt: clock.now() + 3_600_000,
  });
  store.hold('q1', 'operator');
  assert.equal(store.nextDueAt(), undefined);
  store.release('q1');
  assert.equal(store.nextDueAt(), clock.now() + 3_600_000);
  assert.equal(store.retryNow('q1'), 1);
  assert.equal(store.nextDueAt(), clock.now());
  assert.equal(store.dueRecipients(clock.now(), 10).length, 1);
});

test('delete: recipients fail as deleted by operator, message done, history K', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('q1', ['bob@siroe.example', 'carol@siroe.example']));
  const [bob] = store.dueRecipients(START_AT, 10);
  store.claim([bob!.recipientId]);
  await store.markDelivered(bob!.recipientId, ok);
  const deleted = store.delete('q1');
  assert.equal(deleted?.status, 'done');
  assert.deepEqual(
    deleted?.recipients.map((r) => [r.status, r.lastText ?? null]),
    [
      ['delivered', '2.0.0 Ok'],
      ['failed', 'deleted by operator'],
    ],
  );
  assert.equal(store.raw('q1'), undefined);
  assert.deepEqual(store.dueRecipients(START_AT, 10), []);
  assert.equal(store.delete('q1'), undefined, 'a done message cannot be deleted again');
  assert.deepEqual(
    store.history('q1').map((h) => [h.action, h.recipient]),
    [
      ['E', 'bob@siroe.example'],
      ['E', 'carol@siroe.example'],
      ['D', 'bob@siroe.example'],
      ['K', 'carol@siroe.example'],
    ],
  );
});

test('history records every step in order, with world-clock times', async (t) => {
  const { store, clock } = openStore(t);
  await store.enqueue(message('q1', ['erin@example.com']));
  const [r] = store.dueRecipients(clock.now(), 10);
  store.claim([r!.recipientId]);
  clock.advance(1000);
  await store.markDeferred(r!.recipientId, {
    channel: 'smtp',
    code: 451,
    text: '4.4.1 no answer',
    nextAttemptAt: clock.now() + 5000,
  });
  clock.advance(5000);
  store.claim([r!.recipientId]);
  await store.markDelivered(r!.recipientId, {
    channel: 'smtp',
    host: 'mx1.example.com',
    code: 250,
    text: '2.0.0 queued',
  });
  const history = store.history('q1');
  assert.deepEqual(
    history.map((h) => [h.action, h.at - START_AT]),
    [
      ['E', 0],
      ['Q', 1000],
      ['D', 6000],
    ],
  );
  assert.equal(history[2]!.status, '250 2.0.0 queued (mx1.example.com)');
  assert.equal(store.get('q1')?.recipients[0]?.attempts, 2);
});

test('stats counts messages and recipients by status', async (t) => {
  const { store } = openStore(t);
  await store.enqueue(message('q1', ['a@siroe.example', 'b@siroe.example']));
  await store.enqueue(message('q2', ['c@siroe.example']));
  store.hold('q2', 'x');
  const [a] = store.dueRecipients(START_AT, 1);
  store.claim([a!.recipientId]);
  await store.settled();
  assert.deepEqual(store.stats(), {
    messages: { queued: 1, held: 1, done: 0 },
    recipients: { pending: 2, active: 1, delivered: 0, failed: 0, expanded: 0 },
  });
});

test('close commits writes still waiting for their turn', async (t) => {
  const { store, file } = openStore(t);
  const pending = store.enqueue(message('late', ['bob@siroe.example']));
  store.close();
  await pending;
  await assert.rejects(store.enqueue(message('after', ['bob@siroe.example'])), MailError);
  const { store: reopened } = openStore(t, file);
  assert.equal(reopened.get('late')?.recipients.length, 1);
});

test('a queue file from a newer Mailscope is refused, not damaged', (t) => {
  const file = tempFile();
  const db = new Database(file);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99)');
  db.close();
  assert.throws(() => openStore(t, file), /schema version 99/);
});
