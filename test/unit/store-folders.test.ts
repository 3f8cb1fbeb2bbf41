import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ALICE, makeMessage, openTempStore, type TempStore } from './store-fixture.js';

const opened: TempStore[] = [];
after(() => opened.forEach((t) => t.cleanup()));

function fresh(): TempStore {
  const t = openTempStore();
  opened.push(t);
  t.store.ensureUser(ALICE, 'alice');
  return t;
}

const names = (t: TempStore) => t.store.listFolders(ALICE).map((f) => f.name);

test('create: superior names are created, names are case-sensitive except INBOX', () => {
  const t = fresh();
  const created = t.store.createFolder(ALICE, 'Projects/2025/Q1/');
  assert.equal(created.name, 'Projects/2025/Q1');
  assert.equal(created.uidNext, 1);
  assert.equal(created.subscribed, false, 'CREATE does not subscribe');
  assert.ok(['Projects', 'Projects/2025', 'Projects/2025/Q1'].every((n) => names(t).includes(n)));
  t.store.createFolder(ALICE, 'projects');
  assert.ok(names(t).includes('projects') && names(t).includes('Projects'), 'two folders differing in case');
  assert.throws(() => t.store.createFolder(ALICE, 'Projects'), { reason: 'ALREADYEXISTS' });
  assert.throws(() => t.store.createFolder(ALICE, 'inbox'), { reason: 'ALREADYEXISTS' });
  const child = t.store.createFolder(ALICE, 'inbox/Receipts');
  assert.equal(child.name, 'INBOX/Receipts', 'INBOX is canonical as a first level too');
  assert.equal(t.store.folderInfo(ALICE, 'Inbox').name, 'INBOX');
  assert.throws(() => t.store.folderInfo(ALICE, 'Nope'), { reason: 'NONEXISTENT' });
});

test('create: invalid names and special-use attributes are refused', () => {
  const t = fresh();
  for (const bad of ['', '/', 'a//b', 'a*', 'b%', 'tab\there', 'x'.repeat(300)]) {
    assert.throws(() => t.store.createFolder(ALICE, bad), { reason: 'CLIENTBUG' }, JSON.stringify(bad));
  }
  assert.throws(() => t.store.createFolder(ALICE, 'Stuff', { specialUse: '\\Bogus' }), { reason: 'CLIENTBUG' });
  const all = t.store.createFolder(ALICE, 'All Mail', { specialUse: '\\all' });
  assert.equal(all.specialUse, '\\All');
  assert.equal(t.store.createFolder(ALICE, 'Ünïcödé').name, 'Ünïcödé');
});

test('delete: INBOX stays; a recreated folder gets a new UIDVALIDITY; the subscription stays', async () => {
  const t = fresh();
  assert.throws(() => t.store.deleteFolder(ALICE, 'INBOX'), { reason: 'CANNOT' });
  assert.throws(() => t.store.deleteFolder(ALICE, 'Nope'), { reason: 'NONEXISTENT' });
  await t.store.deliver({ address: ALICE, folder: 'Junk', raw: makeMessage() });
  const before = t.store.folderInfo(ALICE, 'Junk');
  const changes: string[] = [];
  t.store.onChange((c) => changes.push(`${c.folder} ${c.kind} ${c.uids.join(',')}`));
  t.store.deleteFolder(ALICE, 'Junk');
  assert.deepEqual(changes, ['Junk expunge 1']);
  assert.equal(names(t).includes('Junk'), false);
  assert.ok(t.store.listSubscriptions(ALICE).includes('Junk'), 'RFC 3501: deleting does not unsubscribe');
  // The stepped clock has not moved: the new value must still differ.
  const again = t.store.createFolder(ALICE, 'Junk');
  assert.ok(again.uidValidity > before.uidValidity);
  assert.equal(again.uidNext, 1);
  assert.equal(again.messages, 0);
});

test('rename moves inferiors and subscriptions along', () => {
  const t = fresh();
  t.store.createFolder(ALICE, 'Work/Clients/Acme');
  t.store.subscribe(ALICE, 'Work/Clients', true);
  const validity = t.store.folderInfo(ALICE, 'Work/Clients/Acme').uidValidity;
  t.store.renameFolder(ALICE, 'Work', 'Old/Work');
  assert.deepEqual(
    names(t).filter((n) => n.includes('Work') || n.startsWith('Old')),
    ['Old', 'Old/Work', 'Old/Work/Clients', 'Old/Work/Clients/Acme'],
  );
  assert.equal(t.store.folderInfo(ALICE, 'Old/Work/Clients/Acme').uidValidity, validity);
  assert.ok(t.store.listSubscriptions(ALICE).includes('Old/Work/Clients'));
  assert.equal(t.store.listSubscriptions(ALICE).includes('Work/Clients'), false);
  assert.throws(() => t.store.renameFolder(ALICE, 'Old', 'Sent'), { reason: 'ALREADYEXISTS' });
  assert.throws(() => t.store.renameFolder(ALICE, 'Old', 'Old/Inner'), { reason: 'CANNOT' });
  assert.throws(() => t.store.renameFolder(ALICE, 'Missing', 'Other'), { reason: 'NONEXISTENT' });
});

test('renaming INBOX moves its messages to a new folder and leaves INBOX empty', async () => {
  const t = fresh();
  await t.store.deliver({ address: ALICE, raw: makeMessage({ subject: 'a' }) });
  await t.store.deliver({ address: ALICE, raw: makeMessage({ subject: 'b' }) });
  const inboxBefore = t.store.folderInfo(ALICE, 'INBOX');
  t.store.renameFolder(ALICE, 'INBOX', 'Old Mail');
  const moved = t.store.folderInfo(ALICE, 'Old Mail');
  assert.equal(moved.messages, 2);
  assert.notEqual(moved.uidValidity, inboxBefore.uidValidity);
  assert.deepEqual(
    t.store.listMessages(ALICE, 'Old Mail').map((m) => m.subject),
    ['a', 'b'],
  );
  const inbox = t.store.folderInfo(ALICE, 'INBOX');
  assert.equal(inbox.messages, 0);
  assert.equal(inbox.uidNext, 3, 'INBOX keeps its UIDNEXT');
  assert.equal((await t.store.deliver({ address: ALICE, raw: makeMessage() })).uid, 3);
});

test('subscribe and unsubscribe, also to names that do not exist', () => {
  const t = fresh();
  t.store.subscribe(ALICE, 'Shared/Later', true);
  t.store.subscribe(ALICE, 'Trash', false);
  t.store.subscribe(ALICE, 'inbox', true);
  const subs = t.store.listSubscriptions(ALICE);
  assert.ok(subs.includes('Shared/Later'));
  assert.equal(subs.includes('Trash'), false);
  assert.equal(subs.filter((s) => s === 'INBOX').length, 1);
  assert.equal(t.store.folderInfo(ALICE, 'Trash').subscribed, false);
  assert.throws(() => t.store.subscribe(ALICE, 'bad*name', true), { reason: 'CLIENTBUG' });
});

test('folder operations on an unknown user say 5.1.1', () => {
  const t = fresh();
  assert.throws(() => t.store.listFolders('ghost@siroe.example'), { code: 550, enhanced: '5.1.1' });
  assert.throws(() => t.store.createFolder('ghost@siroe.example', 'X'), { reason: 'NONEXISTENT' });
});
