import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { MailError } from '../../server/core/mail-error.js';
import { DeliveryBatcher } from '../../server/store/delivery.js';
import { MessageStore } from '../../server/store/message-store.js';
import { configure } from '../../server/store/schema.js';
import { prepareStatements } from '../../server/store/statements.js';
import type { DeliverResult } from '../../server/store/types.js';
import { StoreError, storageError } from '../../server/store/store-error.js';
import { ALICE, HOST, makeMessage, openTempStore, type TempStore } from './store-fixture.js';

const opened: TempStore[] = [];
after(() => opened.forEach((t) => t.cleanup()));

function fresh(): TempStore {
  const t = openTempStore();
  opened.push(t);
  t.store.ensureUser(ALICE, 'alice');
  return t;
}

/** A second, independent connection: what it sees is what is committed on disk. */
function committedCount(file: string, address = ALICE): number {
  const db = new Database(file, { readonly: true });
  try {
    const row = db
      .prepare(
        'SELECT count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id JOIN users u ON u.id = f.user_id WHERE u.address = ?',
      )
      .get(address) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

test('a new user gets INBOX and the special-use folders, all subscribed', () => {
  const { store } = fresh();
  const folders = store.listFolders(ALICE);
  assert.deepEqual(
    folders.map((f) => [f.name, f.specialUse, f.subscribed]),
    [
      ['INBOX', undefined, true],
      ['Archive', '\\Archive', true],
      ['Drafts', '\\Drafts', true],
      ['Junk', '\\Junk', true],
      ['Sent', '\\Sent', true],
      ['Trash', '\\Trash', true],
    ],
  );
  for (const f of folders) {
    assert.equal(f.uidNext, 1);
    assert.equal(f.messages, 0);
    assert.ok(f.uidValidity > 0 && f.uidValidity <= 0xffffffff);
  }
  assert.equal(new Set(folders.map((f) => f.uidValidity)).size, folders.length, 'UIDVALIDITY unique per user');
  store.ensureUser(ALICE, 'alice');
  assert.equal(store.listFolders(ALICE).length, 6, 'ensureUser is idempotent');
});

test('hasUser and addressForLogin ignore case', () => {
  const { store } = fresh();
  assert.equal(store.hasUser('Alice@SIROE.example'), true);
  assert.equal(store.hasUser('bob@siroe.example'), false);
  assert.equal(store.addressForLogin('ALICE'), ALICE);
  assert.equal(store.addressForLogin('nobody'), undefined);
});

test('deliveries get increasing UIDs, summaries and a mailbox.stored trace after commit', async () => {
  const { store, tracer } = fresh();
  const raw = makeMessage({ subject: 'First', messageId: '<one@siroe.example>' });
  const first = await store.deliver({ address: 'ALICE@siroe.example', raw, traceId: 'msg_abc', spanId: 'msg_abc.d1' });
  const second = await store.deliver({ address: ALICE, raw: makeMessage({ subject: 'Second' }) });
  const third = await store.deliver({ address: ALICE, raw: makeMessage({ subject: 'Third' }) });
  assert.deepEqual([first.uid, second.uid, third.uid], [1, 2, 3]);
  assert.deepEqual(first, { uid: 1, folder: 'INBOX', duplicate: false, messageId: '<one@siroe.example>' });

  const list = store.listMessages(ALICE, 'inbox');
  assert.deepEqual(
    list.map((m) => [m.uid, m.subject]),
    [
      [1, 'First'],
      [2, 'Second'],
      [3, 'Third'],
    ],
  );
  assert.equal(list[0]!.from, 'Bob <bob@siroe.example>');
  assert.equal(list[0]!.sizeBytes, raw.length);
  assert.equal(list[0]!.date, Date.parse('2025-01-06T09:00:00Z'));
  assert.deepEqual(list[0]!.flags, []);
  assert.ok(list[2]!.modseq > list[0]!.modseq);
  assert.deepEqual(store.getMessage(ALICE, 'INBOX', 1)?.raw, raw);
  assert.equal(store.getMessage(ALICE, 'INBOX', 99), undefined);

  const inbox = store.listFolders(ALICE)[0]!;
  assert.equal(inbox.uidNext, 4);
  assert.equal(inbox.messages, 3);
  assert.equal(inbox.unseen, 3);
  assert.equal(inbox.highestModseq, list[2]!.modseq);

  const stored = tracer.ofKind('mailbox.stored');
  assert.equal(stored.length, 3);
  assert.equal(stored[0]!.node, HOST);
  assert.equal(stored[0]!.traceId, 'msg_abc');
  assert.equal(stored[0]!.spanId, 'msg_abc.d1');
  assert.deepEqual(stored[0]!.data, {
    address: ALICE,
    folder: 'INBOX',
    uid: 1,
    sizeBytes: raw.length,
    messageId: '<one@siroe.example>',
    duplicate: false,
  });
});

test('deliveries a few loop turns apart still share one commit inside the batch window', async () => {
  const t = fresh();
  const before = t.store.deliveryStats();
  const first = t.store.deliver({ address: ALICE, raw: makeMessage({ subject: 'early' }) });
  // Two more turns of the loop: without the window each would have committed alone.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const second = t.store.deliver({ address: ALICE, raw: makeMessage({ subject: 'late' }) });
  await Promise.all([first, second]);
  assert.equal(t.store.deliveryStats().batches - before.batches, 1);
});

test('deliveries in one event-loop turn share one transaction, and resolve after it committed', async () => {
  const t = fresh();
  const before = t.store.deliveryStats();
  const seenOnDisk: number[] = [];
  const deliveries = Array.from({ length: 25 }, (_, i) =>
    t.store.deliver({ address: ALICE, raw: makeMessage({ subject: `m${i}` }) }).then((r) => {
      seenOnDisk.push(committedCount(t.file));
      return r;
    }),
  );
  const results = await Promise.all(deliveries);
  const stats = t.store.deliveryStats();
  assert.equal(stats.batches - before.batches, 1, 'one transaction for the whole turn');
  assert.equal(stats.largestBatch, 25);
  assert.equal(stats.stored - before.stored, 25);
  assert.deepEqual(
    results.map((r) => r.uid),
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  assert.ok(
    seenOnDisk.every((n) => n === 25),
    'every promise resolved after all 25 were visible to another connection',
  );
});

test('onChange fires once per folder after the commit', async () => {
  const t = fresh();
  const changes: Array<{ kind: string; folder: string; uids: number[]; onDisk: number }> = [];
  const off = t.store.onChange((c) =>
    changes.push({ kind: c.kind, folder: c.folder, uids: c.uids, onDisk: committedCount(t.file) }),
  );
  await Promise.all([
    t.store.deliver({ address: ALICE, raw: makeMessage() }),
    t.store.deliver({ address: ALICE, raw: makeMessage() }),
    t.store.deliver({ address: ALICE, folder: 'Junk', raw: makeMessage() }),
  ]);
  assert.deepEqual(changes, [
    { kind: 'exists', folder: 'INBOX', uids: [1, 2], onDisk: 3 },
    { kind: 'exists', folder: 'Junk', uids: [1], onDisk: 3 },
  ]);
  off();
  await t.store.deliver({ address: ALICE, raw: makeMessage() });
  assert.equal(changes.length, 2, 'unsubscribed listener hears nothing');
});

test('a dedupe key makes delivery idempotent, within a batch and across reopen', async () => {
  const t = fresh();
  const raw = makeMessage({ messageId: '<dup@siroe.example>' });
  const key = 'q_abc:alice@siroe.example';
  const [a, b] = await Promise.all([
    t.store.deliver({ address: ALICE, raw, dedupeKey: key }),
    t.store.deliver({ address: ALICE, raw, dedupeKey: key }),
  ]);
  assert.deepEqual(a, { uid: 1, folder: 'INBOX', duplicate: false, messageId: '<dup@siroe.example>' });
  assert.deepEqual(b, { uid: 1, folder: 'INBOX', duplicate: true, messageId: '<dup@siroe.example>' });

  const store = t.reopen();
  const again = await store.deliver({ address: ALICE, raw, dedupeKey: key });
  assert.deepEqual(again, { uid: 1, folder: 'INBOX', duplicate: true, messageId: '<dup@siroe.example>' });
  assert.equal(store.listMessages(ALICE, 'INBOX').length, 1);
  const other = await store.deliver({ address: ALICE, raw, dedupeKey: 'q_other:alice@siroe.example' });
  assert.equal(other.uid, 2);
  const dupEvents = t.tracer.ofKind('mailbox.stored').filter((e) => e.data.duplicate);
  assert.equal(dupEvents.length, 2);
});

test('messages, flags and UIDVALIDITY survive close and reopen', async () => {
  const t = fresh();
  const raw = makeMessage({ subject: 'Kept' });
  await t.store.deliver({ address: ALICE, raw });
  t.store.setFlags(ALICE, 'INBOX', [1], ['\\Seen'], 'add');
  const validityBefore = t.store.listFolders(ALICE).map((f) => [f.name, f.uidValidity]);
  const store = t.reopen();
  assert.deepEqual(
    store.listFolders(ALICE).map((f) => [f.name, f.uidValidity]),
    validityBefore,
  );
  const [msg] = store.listMessages(ALICE, 'INBOX');
  assert.equal(msg?.subject, 'Kept');
  assert.deepEqual(msg?.flags, ['\\Seen']);
  assert.deepEqual(store.getMessage(ALICE, 'INBOX', 1)?.raw, raw);
  assert.equal((await store.deliver({ address: ALICE, raw })).uid, 2);
});

test('close() writes deliveries still waiting for their turn', async () => {
  const t = fresh();
  const pending = t.store.deliver({ address: ALICE, raw: makeMessage({ subject: 'late' }) });
  t.store.close();
  assert.equal((await pending).uid, 1);
  const store = t.reopen();
  assert.equal(store.listMessages(ALICE, 'INBOX')[0]?.subject, 'late');
  store.close();
  await assert.rejects(
    store.deliver({ address: ALICE, raw: makeMessage() }),
    (err: unknown) => err instanceof MailError && err.code === 451 && err.enhanced === '4.3.2',
  );
  assert.throws(() => store.listFolders(ALICE), { code: 451, enhanced: '4.3.2' });
  t.reopen();
});

test('unknown mailbox: 550 5.1.1, and the rest of the batch is still stored', async () => {
  const { store } = fresh();
  const [good, bad] = await Promise.allSettled([
    store.deliver({ address: ALICE, raw: makeMessage() }),
    store.deliver({ address: 'nobody@siroe.example', raw: makeMessage() }),
  ]);
  assert.equal(good.status, 'fulfilled');
  assert.equal(bad.status, 'rejected');
  const err = (bad as PromiseRejectedResult).reason as unknown;
  assert.ok(err instanceof MailError);
  assert.ok(err instanceof StoreError && err.reason === 'NONEXISTENT');
  assert.equal(err.code, 550);
  assert.equal(err.enhanced, '5.1.1');
  assert.equal(err.publicText, 'No such mailbox here');
  assert.equal(store.listMessages(ALICE, 'INBOX').length, 1);
  assert.equal(store.deliveryStats().refused, 1);
});

test('an unknown folder falls back to INBOX; a known one is used', async () => {
  const { store } = fresh();
  const lost = await store.deliver({ address: ALICE, folder: 'No/Such', raw: makeMessage() });
  const junk = await store.deliver({ address: ALICE, folder: 'Junk', raw: makeMessage(), flags: ['$Junk', '\\seen'] });
  assert.deepEqual([lost.folder, lost.uid], ['INBOX', 1]);
  assert.deepEqual([junk.folder, junk.uid], ['Junk', 1]);
  assert.deepEqual(store.listMessages(ALICE, 'Junk')[0]?.flags, ['$Junk', '\\Seen']);
});

test('oversized messages and bad flags are refused with a clear error', async () => {
  const t = openTempStore();
  opened.push(t);
  t.store.close();
  const small = MessageStore.open({ file: t.file, host: HOST, clock: t.clock, maxMessageBytes: 1000 });
  t.store = small;
  small.ensureUser(ALICE, 'alice');
  await assert.rejects(small.deliver({ address: ALICE, raw: makeMessage({ bodyBytes: 2000 }) }), {
    code: 552,
    enhanced: '5.3.4',
  });
  await assert.rejects(small.deliver({ address: ALICE, raw: makeMessage(), flags: ['bad flag'] }), {
    code: 501,
    reason: 'CLIENTBUG',
  });
  assert.equal(small.listMessages(ALICE, 'INBOX').length, 0);
});

test('storage failures become temporary errors: full disk 452 4.3.1, others 451 4.3.0', () => {
  const full = storageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
  assert.deepEqual([full.code, full.enhanced, full.temporary], [452, '4.3.1', true]);
  const io = storageError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }));
  assert.deepEqual([io.code, io.enhanced, io.publicText], [451, '4.3.0', 'Local error in processing']);
});

test('one failing delivery does not sink the others in its batch (run again, a savepoint per delivery)', async (t0) => {
  const t = fresh();
  const db = new Database(t.file);
  t0.after(() => db.close());
  configure(db);
  const ctx = { db, sql: prepareStatements(db), clock: t.clock };
  const batcher = new DeliveryBatcher(ctx, () => undefined);
  const deliver = (raw: Buffer) =>
    new Promise<DeliverResult>((resolve, reject) =>
      batcher.add({
        input: { address: ALICE, raw },
        header: { subject: '', from: '', to: '' },
        flags: [],
        internalDate: 1,
        resolve,
        reject,
      }),
    );
  // Not a Buffer: binding it fails inside SQLite's savepoint, after the UID was taken.
  const poison = { length: 3 } as unknown as Buffer;
  const results = await Promise.allSettled([deliver(makeMessage()), deliver(poison), deliver(makeMessage())]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(
    [(results[1] as PromiseRejectedResult).reason.code, (results[1] as PromiseRejectedResult).reason.enhanced],
    [451, '4.3.0'],
  );
  assert.deepEqual(batcher.stats, { batches: 1, stored: 2, duplicates: 0, refused: 1, largestBatch: 3 });
  assert.deepEqual(
    results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<DeliverResult>).value.uid),
    [1, 2],
    'the failed delivery gave its UID back with the savepoint',
  );
  assert.equal(committedCount(t.file), 2);
});

test('internal dates must be epoch milliseconds', async () => {
  const { store } = fresh();
  await assert.rejects(store.deliver({ address: ALICE, raw: makeMessage(), internalDate: Number.NaN }), {
    reason: 'CLIENTBUG',
  });
  assert.throws(() => store.appendMessage(ALICE, 'INBOX', makeMessage(), [], -5), { reason: 'CLIENTBUG' });
});

test('delivery keys can be pruned once the queue can no longer retry', async () => {
  const t = fresh();
  const raw = makeMessage();
  await t.store.deliver({ address: ALICE, raw, dedupeKey: 'q_old:alice' });
  t.clock.advance(10 * 24 * 3600_000);
  await t.store.deliver({ address: ALICE, raw, dedupeKey: 'q_new:alice' });
  assert.equal(t.store.pruneDeliveryKeys(t.clock.now() - 24 * 3600_000), 1);
  assert.equal((await t.store.deliver({ address: ALICE, raw, dedupeKey: 'q_new:alice' })).duplicate, true);
  assert.equal((await t.store.deliver({ address: ALICE, raw, dedupeKey: 'q_old:alice' })).duplicate, false);
});
