import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import type { StoreChange } from '../../server/store/types.js';
import { ALICE, makeMessage, openTempStore, type TempStore } from './store-fixture.js';

const opened: TempStore[] = [];
after(() => opened.forEach((t) => t.cleanup()));

/** A store with alice and `count` messages in INBOX (UIDs 1..count). */
async function withMessages(count: number): Promise<TempStore & { changes: StoreChange[] }> {
  const t = openTempStore();
  opened.push(t);
  t.store.ensureUser(ALICE, 'alice');
  for (let i = 1; i <= count; i++) await t.store.deliver({ address: ALICE, raw: makeMessage({ subject: `m${i}` }) });
  const changes: StoreChange[] = [];
  t.store.onChange((c) => changes.push(c));
  return Object.assign(t, { changes });
}

/** Reference counts of stored bodies, read through a second connection. */
function bodyRefs(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT refs FROM bodies ORDER BY id').all() as Array<{ refs: number }>).map((r) => r.refs);
  } finally {
    db.close();
  }
}

const inbox = (t: TempStore) => t.store.listFolders(ALICE).find((f) => f.name === 'INBOX')!;

test('flags: add, remove, replace; modseq bumps only on a real change', async () => {
  const t = await withMessages(3);
  const startModseq = inbox(t).highestModseq;
  const added = t.store.setFlags(ALICE, 'INBOX', [1, 2], ['\\seen', '$Important'], 'add');
  assert.deepEqual(
    added.map((m) => [m.uid, m.flags]),
    [
      [1, ['$Important', '\\Seen']],
      [2, ['$Important', '\\Seen']],
    ],
  );
  const afterAdd = inbox(t);
  assert.equal(afterAdd.highestModseq, startModseq + 1, 'one modseq for the whole STORE');
  assert.ok(added.every((m) => m.modseq === afterAdd.highestModseq));
  assert.equal(afterAdd.unseen, 1);
  assert.deepEqual(t.changes, [{ address: ALICE, folder: 'INBOX', kind: 'flags', uids: [1, 2] }]);

  const again = t.store.setFlags(ALICE, 'INBOX', [1], ['\\Seen'], 'add');
  assert.equal(again[0]!.modseq, afterAdd.highestModseq, 'no change, no new modseq');
  assert.equal(inbox(t).highestModseq, afterAdd.highestModseq);
  assert.equal(t.changes.length, 1, 'no change, no notification');

  t.store.setFlags(ALICE, 'INBOX', [1], ['$Important'], 'remove');
  t.store.setFlags(ALICE, 'INBOX', [2], ['\\Flagged', '\\Recent'], 'replace');
  const list = t.store.listMessages(ALICE, 'INBOX');
  assert.deepEqual(
    list.map((m) => m.flags),
    [['\\Seen'], ['\\Flagged'], []],
  );
  assert.deepEqual(
    t.store.listMessages(ALICE, 'INBOX', { changedSince: afterAdd.highestModseq }).map((m) => m.uid),
    [1, 2],
  );
  assert.deepEqual(t.store.setFlags(ALICE, 'INBOX', [42], ['\\Seen'], 'add'), [], 'missing UIDs are skipped');
});

test('flags: UNCHANGEDSINCE leaves newer messages alone and names them', async () => {
  const t = await withMessages(2);
  const before = inbox(t).highestModseq;
  t.store.setFlags(ALICE, 'INBOX', [2], ['\\Answered'], 'add');
  const result = t.store.storeFlags(ALICE, 'INBOX', [1, 2], ['\\Seen'], 'add', { unchangedSince: before });
  assert.deepEqual(result.modified, [2]);
  assert.deepEqual(
    result.updated.map((m) => m.uid),
    [1],
  );
  assert.deepEqual(
    t.store.listMessages(ALICE, 'INBOX').map((m) => m.flags),
    [['\\Seen'], ['\\Answered']],
  );
});

test('flags: invalid system flags and keywords are refused', async () => {
  const t = await withMessages(1);
  assert.throws(() => t.store.setFlags(ALICE, 'INBOX', [1], ['\\Bogus'], 'add'), { reason: 'CLIENTBUG', code: 501 });
  assert.throws(() => t.store.setFlags(ALICE, 'INBOX', [1], ['two words'], 'add'), { reason: 'CLIENTBUG' });
  assert.throws(() => t.store.setFlags(ALICE, 'INBOX', [1], ['(paren'], 'add'), { reason: 'CLIENTBUG' });
  assert.deepEqual(t.store.listMessages(ALICE, 'INBOX')[0]!.flags, []);
});

test('expunge removes \\Deleted messages, returns their UIDs, and UIDs are never reused', async () => {
  const t = await withMessages(4);
  t.store.setFlags(ALICE, 'INBOX', [2, 3, 4], ['\\Deleted'], 'add');
  const modseqBefore = inbox(t).highestModseq;
  assert.deepEqual(t.store.expunge(ALICE, 'INBOX', [3, 4, 1]), [3, 4], 'UID EXPUNGE: only \\Deleted among the set');
  assert.deepEqual(t.store.expunge(ALICE, 'INBOX'), [2]);
  assert.deepEqual(t.store.expunge(ALICE, 'INBOX'), []);
  const info = inbox(t);
  assert.equal(info.messages, 1);
  assert.equal(info.uidNext, 5, 'UIDNEXT does not go back');
  assert.ok(info.highestModseq > modseqBefore, 'expunge bumps HIGHESTMODSEQ');
  assert.equal(t.store.getMessage(ALICE, 'INBOX', 3), undefined);
  const next = await t.store.deliver({ address: ALICE, raw: makeMessage() });
  assert.equal(next.uid, 5);
  const expunges = t.changes.filter((c) => c.kind === 'expunge').map((c) => c.uids);
  assert.deepEqual(expunges, [[3, 4], [2]]);
});

test('copy keeps flags, internal date and content; the copy outlives the original', async () => {
  const t = await withMessages(3);
  t.store.setFlags(ALICE, 'INBOX', [2], ['\\Flagged'], 'add');
  const original = t.store.getMessage(ALICE, 'INBOX', 2)!;
  const mapping = t.store.copyMessages(ALICE, 'INBOX', [3, 2, 99], 'Archive');
  assert.deepEqual(mapping, [
    { fromUid: 2, toUid: 1 },
    { fromUid: 3, toUid: 2 },
  ]);
  const copy = t.store.getMessage(ALICE, 'Archive', 1)!;
  assert.deepEqual(copy.raw, original.raw);
  assert.deepEqual(copy.summary.flags, ['\\Flagged']);
  assert.equal(copy.summary.internalDate, original.summary.internalDate);
  assert.equal(copy.summary.subject, 'm2');
  assert.equal(t.store.listMessages(ALICE, 'INBOX').length, 3, 'source untouched');
  assert.deepEqual(t.changes.at(-1), { address: ALICE, folder: 'Archive', kind: 'exists', uids: [1, 2] });

  t.store.setFlags(ALICE, 'INBOX', [2], ['\\Deleted'], 'add');
  t.store.expunge(ALICE, 'INBOX');
  assert.deepEqual(t.store.getMessage(ALICE, 'Archive', 1)?.raw, original.raw, 'shared body still there');
  t.store.deleteFolder(ALICE, 'Archive');
  assert.equal(
    t.store.listFolders(ALICE).some((f) => f.name === 'Archive'),
    false,
  );
  assert.deepEqual(bodyRefs(t.file), [1, 1], 'bodies of INBOX 1 and 3 remain, once referenced each');
});

test('move puts messages in the target and expunges them from the source', async () => {
  const t = await withMessages(3);
  const mapping = t.store.moveMessages(ALICE, 'INBOX', [1, 3], 'Trash');
  assert.deepEqual(mapping, [
    { fromUid: 1, toUid: 1 },
    { fromUid: 3, toUid: 2 },
  ]);
  assert.deepEqual(
    t.store.listMessages(ALICE, 'INBOX').map((m) => m.uid),
    [2],
  );
  assert.deepEqual(
    t.store.listMessages(ALICE, 'Trash').map((m) => m.subject),
    ['m1', 'm3'],
  );
  assert.deepEqual(
    t.changes.map((c) => [c.folder, c.kind, c.uids]),
    [
      ['Trash', 'exists', [1, 2]],
      ['INBOX', 'expunge', [1, 3]],
    ],
  );
  assert.throws(() => t.store.moveMessages(ALICE, 'INBOX', [2], 'inbox'), { reason: 'CANNOT' });
  assert.throws(() => t.store.moveMessages(ALICE, 'INBOX', [2], 'Nope'), { reason: 'NONEXISTENT' });
  assert.equal(t.store.listMessages(ALICE, 'INBOX').length, 1);
});

test('append stores synchronously with flags and internal date, and reports UIDVALIDITY', async () => {
  const t = await withMessages(0);
  const internalDate = Date.UTC(2024, 11, 24, 18, 0, 0);
  const raw = makeMessage({ subject: 'Draft' });
  const result = t.store.appendMessage(ALICE, 'Drafts', raw, ['\\Draft', '\\Seen'], internalDate);
  const drafts = t.store.listFolders(ALICE).find((f) => f.name === 'Drafts')!;
  assert.deepEqual(result, { uid: 1, uidValidity: drafts.uidValidity });
  const [summary] = t.store.listMessages(ALICE, 'Drafts');
  assert.deepEqual(summary?.flags, ['\\Draft', '\\Seen']);
  assert.equal(summary?.internalDate, internalDate);
  assert.equal(t.reopen().listMessages(ALICE, 'Drafts').length, 1, 'durable without waiting');
  assert.throws(() => t.store.appendMessage(ALICE, 'Nope', raw), { reason: 'NONEXISTENT' });
  assert.throws(() => t.store.appendMessage('x@y.example', 'INBOX', raw), { enhanced: '5.1.1' });
});

test('\\Recent is claimed by the first session only', async () => {
  const t = await withMessages(2);
  assert.equal(t.store.claimRecent(ALICE, 'INBOX'), 1, 'UIDs 1.. are recent for the first session');
  assert.equal(t.store.claimRecent(ALICE, 'INBOX'), 3, 'none for the second');
  await t.store.deliver({ address: ALICE, raw: makeMessage() });
  assert.equal(t.store.claimRecent(ALICE, 'INBOX'), 3, 'the new one is recent for the next session');
});
