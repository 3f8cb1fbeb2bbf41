import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MessageStore } from '../../server/store/message-store.js';
import { BOB, ImapClient, makeStore, startImap } from '../helpers/imap-fixture.js';
import { MESSAGES, seeded, SIMPLE } from '../helpers/pop3-messages.js';

const modseqOf = (line: string | undefined): number => Number(/MODSEQ \((\d+)\)/.exec(line ?? '')?.[1]);

test('CONDSTORE: ENABLE, HIGHESTMODSEQ, FETCH MODSEQ and CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ', async (t) => {
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const client = await ImapClient.loggedIn(port);
  const other = await ImapClient.loggedIn(port);
  assert.deepEqual(await client.ok('ENABLE CONDSTORE'), ['* ENABLED CONDSTORE']);
  const select = await client.ok('SELECT INBOX (CONDSTORE)');
  const highest = store.folderInfo(BOB, 'INBOX').highestModseq;
  assert.ok(select.includes(`* OK [HIGHESTMODSEQ ${highest}] Highest`), select.join('\n'));
  const modseqs = (await client.ok('FETCH 1:* (MODSEQ)')).map(modseqOf);
  assert.deepEqual(
    modseqs,
    store.listMessages(BOB, 'INBOX').map((m) => m.modseq),
  );

  // A conditional STORE that passes: the new flags and the new MODSEQ come back.
  const stored = await client.ok(`UID STORE 1 (UNCHANGEDSINCE ${modseqs[0]}) +FLAGS (\\Flagged)`);
  assert.match(stored[0]!, /^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)$/);
  const afterStore = modseqOf(stored[0]);
  assert.equal(afterStore, highest + 1);
  // One that fails: the message changed after the given MODSEQ; message 2 still changes.
  const failed = await client.run(`STORE 1:2 (UNCHANGEDSINCE ${modseqs[1]}) +FLAGS.SILENT (\\Seen)`);
  assert.equal(failed.status, 'OK [MODIFIED 1] Conditional STORE failed');
  assert.deepEqual(failed.untagged, [`* 2 FETCH (UID 2 MODSEQ (${afterStore + 1}))`], '.SILENT still says MODSEQ');
  assert.deepEqual(store.getMessage(BOB, 'INBOX', 1)?.summary.flags, ['\\Flagged']);

  // Only what changed since a MODSEQ; MODSEQ is added to the items by itself.
  assert.deepEqual(await client.ok(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest})`), [
    `* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) MODSEQ (${afterStore}))`,
    `* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (${afterStore + 1}))`,
  ]);
  assert.deepEqual(await client.ok(`SEARCH MODSEQ ${afterStore}`), [`* SEARCH 1 2 (MODSEQ ${afterStore + 1})`]);
  assert.deepEqual(await client.ok(`UID SEARCH MODSEQ "/flags/\\\\draft" all ${afterStore + 1}`), [
    `* SEARCH 2 (MODSEQ ${afterStore + 1})`,
  ]);
  assert.deepEqual(await client.ok(`SEARCH MODSEQ ${afterStore + 5}`), ['* SEARCH']);
  assert.deepEqual(await other.ok('STATUS INBOX (HIGHESTMODSEQ MESSAGES)'), [
    `* STATUS "INBOX" (HIGHESTMODSEQ ${afterStore + 1} MESSAGES 4)`,
  ]);

  // Another session's change reaches a CONDSTORE session with its MODSEQ; BODY[] setting \Seen too.
  await other.ok('SELECT INBOX');
  // A first CONDSTORE command with a mailbox selected tells the HIGHESTMODSEQ (RFC 7162 §3.1).
  const third = await ImapClient.loggedIn(port);
  await third.ok('EXAMINE INBOX');
  assert.deepEqual(await third.ok('FETCH 1 (MODSEQ)'), [
    `* OK [HIGHESTMODSEQ ${afterStore + 1}] Highest`,
    `* 1 FETCH (MODSEQ (${afterStore}))`,
  ]);
  third.close();
  await other.ok('STORE 3 +FLAGS (\\Answered)');
  assert.deepEqual(await client.ok('NOOP'), [
    `* 3 FETCH (UID 3 FLAGS (\\Answered \\Recent) MODSEQ (${afterStore + 2}))`,
  ]);
  const read = await client.ok('FETCH 4 (BODY[HEADER])');
  assert.match(read[0]!, new RegExp(`FLAGS \\(\\\\Seen \\\\Recent\\) MODSEQ \\(${afterStore + 3}\\)\\)$`));
  assert.match((await client.run('STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)')).status, /^BAD/);
  assert.match((await client.run('FETCH 1 (FLAGS) (CHANGEDSINCE)')).status, /^BAD/);
  client.close();
  other.close();
});

test('UTF8=ACCEPT: mailbox names in UTF-8 after ENABLE, modified UTF-7 before and for others', async (t) => {
  const { port } = await startImap(t, makeStore(t));
  const plain = await ImapClient.loggedIn(port);
  await plain.ok('CREATE "Caf&AOk-"');
  const utf8 = await ImapClient.loggedIn(port);
  assert.deepEqual(await utf8.ok('ENABLE UTF8=ACCEPT'), ['* ENABLED UTF8=ACCEPT']);
  assert.deepEqual(await utf8.ok('LIST "" "Caf*"'), ['* LIST (\\HasNoChildren) "/" "Café"']);
  // "&" is an ordinary character now, not the start of a modified UTF-7 run.
  await utf8.ok('CREATE "Tom & Jerry/Entwürfe"');
  assert.deepEqual(await utf8.ok('LIST "" "Tom*"'), [
    '* LIST (\\HasChildren) "/" "Tom & Jerry"',
    '* LIST (\\HasNoChildren) "/" "Tom & Jerry/Entwürfe"',
  ]);
  assert.ok((await utf8.ok('SELECT "Café"')).includes('* 0 EXISTS'));
  assert.deepEqual(await utf8.ok('STATUS "Tom & Jerry/Entwürfe" (MESSAGES)'), [
    '* STATUS "Tom & Jerry/Entwürfe" (MESSAGES 0)',
  ]);
  assert.deepEqual(await plain.ok('LIST "" "Tom*"'), [
    '* LIST (\\HasChildren) "/" "Tom &- Jerry"',
    '* LIST (\\HasNoChildren) "/" "Tom &- Jerry/Entw&APw-rfe"',
  ]);
  assert.match((await plain.run('CREATE "Tom & Jerry"')).status, /^BAD Invalid modified UTF-7/);
  plain.close();
  utf8.close();
});

test('\\Recent: the first session to see a message gets it; STATUS and EXAMINE do not take it', async (t) => {
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const first = await ImapClient.loggedIn(port);
  const second = await ImapClient.loggedIn(port);
  const looker = await ImapClient.loggedIn(port);
  const recentOf = async (c: ImapClient) =>
    (await c.ok('STATUS INBOX (RECENT)'))[0]!.replace(/^.*RECENT (\d+)\)$/, '$1');
  assert.equal(await recentOf(looker), '4');
  assert.ok((await looker.ok('EXAMINE INBOX')).includes('* 4 RECENT'), 'EXAMINE shows them');
  assert.equal(await recentOf(second), '4', 'and does not take them');
  assert.ok((await first.ok('SELECT INBOX')).includes('* 4 RECENT'));
  assert.ok((await second.ok('SELECT INBOX')).includes('* 0 RECENT'));
  assert.equal(await recentOf(looker), '0');
  assert.deepEqual(await first.ok('SEARCH RECENT'), ['* SEARCH 1 2 3 4']);
  assert.deepEqual(await second.ok('SEARCH NEW'), ['* SEARCH']);

  await store.deliver({ address: BOB, raw: SIMPLE });
  assert.equal(await recentOf(looker), '1');
  // `second` hears of it first (its NOOP comes before `first`'s): the message is its.
  assert.deepEqual(await second.ok('NOOP'), ['* 5 EXISTS', '* 1 RECENT']);
  assert.deepEqual(await first.ok('NOOP'), ['* 5 EXISTS', '* 4 RECENT']);
  assert.deepEqual(await second.ok('FETCH 4:5 (FLAGS)'), ['* 4 FETCH (FLAGS ())', '* 5 FETCH (FLAGS (\\Recent))']);
  assert.deepEqual(await second.ok('SEARCH OLD'), ['* SEARCH 1 2 3 4']);
  assert.equal(await recentOf(looker), '0');
  // A message copied in is recent for whoever selects the target next (RFC 3501 §6.4.7).
  await first.ok('COPY 1 Archive');
  assert.ok((await looker.ok('SELECT Archive')).includes('* 1 RECENT'));
  first.close();
  second.close();
  looker.close();
});

test('QUOTA: GETQUOTAROOT and GETQUOTA report real usage against the store limit; SETQUOTA is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailscope-'));
  const store = MessageStore.open({
    file: join(dir, 'store.db'),
    host: 'mailboxa.siroe.example',
    clock: new WorldClock(),
    quotaBytes: 2 * 1024 * 1024,
  });
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  store.ensureUser(BOB, 'bob');
  const { port } = await startImap(t, store);
  const client = await ImapClient.loggedIn(port);
  assert.deepEqual(await client.ok('GETQUOTAROOT INBOX'), ['* QUOTAROOT "INBOX" ""', '* QUOTA "" (STORAGE 0 2048)']);
  for (const raw of MESSAGES) await store.deliver({ address: BOB, raw });
  const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(5000, 0x61)]);
  store.appendMessage(BOB, 'Sent', big);
  const usedKib = Math.ceil((MESSAGES.reduce((s, m) => s + m.length, 0) + big.length) / 1024);
  assert.deepEqual(await client.ok('GETQUOTA ""'), [`* QUOTA "" (STORAGE ${usedKib} 2048)`]);
  assert.deepEqual(await client.ok('GETQUOTAROOT Sent'), [
    '* QUOTAROOT "Sent" ""',
    `* QUOTA "" (STORAGE ${usedKib} 2048)`,
  ]);
  assert.match((await client.run('GETQUOTA "other"')).status, /^NO \[NONEXISTENT\]/);
  assert.match((await client.run('GETQUOTAROOT Nope')).status, /^NO \[NONEXISTENT\]/);
  assert.match((await client.run('SETQUOTA "" (STORAGE 1)')).status, /^NO \[NOPERM\]/);
  assert.equal(store.quotaBytes, 2 * 1024 * 1024);
  client.close();
});
