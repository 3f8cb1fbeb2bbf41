import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOB, ImapClient, makeStore, startImap } from '../helpers/imap-fixture.js';
import { MULTIPART, SIMPLE, seeded } from '../helpers/pop3-messages.js';

test('LIST, LSUB, STATUS, CREATE, RENAME, DELETE, SUBSCRIBE', async (t) => {
  const { port } = await startImap(t, await seeded(t));
  const client = await ImapClient.loggedIn(port);
  const all = await client.ok('LIST "" "*"');
  assert.ok(all.includes('* LIST (\\HasNoChildren) "/" "INBOX"'));
  assert.ok(all.includes('* LIST (\\HasNoChildren \\Sent) "/" "Sent"'));
  for (const use of ['Drafts', 'Trash', 'Junk', 'Archive'])
    assert.ok(all.some((l) => l.includes(`\\${use}) "/" "${use}"`)));
  assert.deepEqual(await client.ok('LIST "" ""'), ['* LIST (\\Noselect) "/" ""']);
  await client.ok('CREATE "Work/Caf&AOk-/"');
  const work = await client.ok('LIST "" "Work%"');
  assert.deepEqual(work, ['* LIST (\\HasChildren) "/" "Work"']);
  assert.deepEqual(await client.ok('LIST "Work/" "%"'), ['* LIST (\\HasNoChildren) "/" "Work/Caf&AOk-"']);
  assert.match((await client.run('CREATE INBOX')).status, /^NO \[ALREADYEXISTS\]/);
  await client.ok('RENAME Work/Caf&AOk- Work/Tea');
  await client.ok('SUBSCRIBE Work/Tea');
  assert.ok((await client.ok('LSUB "" "*"')).includes('* LSUB () "/" "Work/Tea"'));
  await client.ok('UNSUBSCRIBE Work/Tea');
  await client.ok('DELETE Work/Tea');
  assert.match((await client.run('DELETE Nope')).status, /^NO \[NONEXISTENT\]/);
  const status = await client.ok('STATUS inbox (UIDNEXT MESSAGES UNSEEN RECENT UIDVALIDITY)');
  assert.match(status[0]!, /^\* STATUS "INBOX" \(UIDNEXT 5 MESSAGES 4 UNSEEN 4 RECENT 4 UIDVALIDITY \d+\)$/);
  client.close();
});

test('SELECT and EXAMINE', async (t) => {
  const { port } = await startImap(t, await seeded(t));
  const client = await ImapClient.loggedIn(port);
  const sel = await client.run('SELECT INBOX');
  assert.match(sel.status, /^OK \[READ-WRITE\]/);
  assert.ok(sel.untagged.includes('* 4 EXISTS'));
  assert.ok(sel.untagged.includes('* 4 RECENT'));
  assert.ok(sel.untagged.includes('* OK [UIDNEXT 5] Predicted next UID'));
  assert.ok(sel.untagged.some((l) => /^\* OK \[UIDVALIDITY \d+\]/.test(l)));
  assert.ok(sel.untagged.some((l) => l.startsWith('* OK [PERMANENTFLAGS (\\Answered')));
  const second = await ImapClient.loggedIn(port);
  const ex = await second.run('EXAMINE INBOX');
  assert.match(ex.status, /^OK \[READ-ONLY\]/);
  assert.ok(ex.untagged.includes('* 0 RECENT'));
  assert.match((await second.run('STORE 1 +FLAGS (\\Seen)')).status, /^NO \[READ-ONLY\]/);
  assert.match((await second.run('SELECT Nope')).status, /^NO \[NONEXISTENT\]/);
  assert.match((await second.run('FETCH 1 FLAGS')).status, /^BAD/); // failed SELECT leaves no mailbox
  client.close();
  second.close();
});

test('FETCH items, BODY.PEEK does not set \\Seen, BODY[] does', async (t) => {
  const { port } = await startImap(t, await seeded(t));
  const client = await ImapClient.loggedIn(port);
  await client.ok('SELECT INBOX');
  const flags = await client.ok('UID FETCH 1:* (FLAGS)');
  assert.deepEqual(
    flags,
    [1, 2, 3, 4].map((n) => `* ${n} FETCH (UID ${n} FLAGS (\\Recent))`),
  );
  const hdr = await client.ok('UID FETCH 1:2 (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (From Subject)])');
  assert.equal(
    hdr[0],
    `* 1 FETCH (UID 1 RFC822.SIZE ${SIMPLE.length} BODY[HEADER.FIELDS (FROM SUBJECT)] {53}\r\nFrom: Alice <alice@siroe.example>\r\nSubject: First\r\n\r\n)`,
  );
  const env = await client.ok('FETCH 1 (ENVELOPE INTERNALDATE)');
  assert.match(env[0]!, /^\* 1 FETCH \(ENVELOPE \(NIL "First" \(\("Alice" NIL "alice" "siroe.example"\)\)/);
  assert.match(env[0]!, /INTERNALDATE "\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000"\)$/);
  const bs = await client.ok('FETCH 2 (BODYSTRUCTURE BODY)');
  assert.match(bs[0]!, /BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\)/);
  assert.match(bs[0]!, /"MIXED" \("BOUNDARY" "b1"\)/);
  const part = await client.ok('FETCH 2 (BODY.PEEK[2] BODY.PEEK[TEXT]<0.10>)');
  assert.equal(part[0], '* 2 FETCH (BODY[2] {8}\r\nAAECAwQF BODY[TEXT]<0> {10}\r\nThis is a )');
  assert.deepEqual(await client.ok('FETCH 2 FLAGS'), ['* 2 FETCH (FLAGS (\\Recent))']);
  const full = await client.ok('FETCH 2 BODY[]');
  assert.equal(
    full[0],
    `* 2 FETCH (BODY[] {${MULTIPART.length}}\r\n${MULTIPART.toString('utf8')} FLAGS (\\Seen \\Recent))`,
  );
  const rfc = await client.ok('UID FETCH 1 (RFC822.HEADER RFC822.TEXT)');
  assert.match(rfc[0]!, /RFC822\.TEXT \{\d+\}\r\nHello Bob,/);
  assert.match(rfc[0]!, /FLAGS \(\\Seen \\Recent\)\)$/);
  assert.match((await client.run('FETCH 9 FLAGS')).status, /^BAD/);
  assert.deepEqual(await client.ok('UID FETCH 9 FLAGS'), []);
  client.close();
});

test('STORE, SEARCH, EXPUNGE renumbering, CLOSE', async (t) => {
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const client = await ImapClient.loggedIn(port);
  await client.ok('SELECT INBOX');
  assert.deepEqual(await client.ok('STORE 1:2 +FLAGS (\\Flagged $Work)'), [
    '* 1 FETCH (FLAGS ($Work \\Flagged \\Recent))',
    '* 2 FETCH (FLAGS ($Work \\Flagged \\Recent))',
  ]);
  assert.deepEqual(await client.ok('UID STORE 2 -FLAGS.SILENT (\\Flagged)'), []);
  assert.deepEqual(await client.ok('UID STORE 3 FLAGS (\\Deleted)'), ['* 3 FETCH (UID 3 FLAGS (\\Deleted \\Recent))']);
  assert.deepEqual(await client.ok('SEARCH FLAGGED'), ['* SEARCH 1']);
  assert.deepEqual(await client.ok('UID SEARCH KEYWORD $Work'), ['* SEARCH 1 2']);
  assert.deepEqual(await client.ok('SEARCH SUBJECT multipart'), ['* SEARCH 2']);
  assert.deepEqual(await client.ok('SEARCH BODY "line two"'), ['* SEARCH 1']);
  assert.deepEqual(await client.ok('SEARCH OR DELETED LARGER 300'), ['* SEARCH 2 3']);
  assert.deepEqual(await client.ok('SEARCH NOT UID 1:2 SINCE 1-Jan-2000'), ['* SEARCH 3 4']);
  assert.deepEqual(await client.ok('UID STORE 1 +FLAGS (\\Deleted)'), [
    '* 1 FETCH (UID 1 FLAGS ($Work \\Deleted \\Flagged \\Recent))',
  ]);
  // UIDs 1 and 3 go: message 3 is expunged first, then 1; UID 4 becomes message 2.
  assert.deepEqual(await client.ok('EXPUNGE'), ['* 3 EXPUNGE', '* 1 EXPUNGE']);
  assert.deepEqual(await client.ok('FETCH 1:* (UID)'), ['* 1 FETCH (UID 2)', '* 2 FETCH (UID 4)']);
  await client.ok('STORE 2 +FLAGS (\\Deleted)');
  await client.ok('CLOSE');
  assert.deepEqual(
    store.listMessages(BOB, 'INBOX').map((m) => m.uid),
    [2],
  );
  assert.match((await client.run('FETCH 1 FLAGS')).status, /^BAD/);
  client.close();
});

test('APPEND with APPENDUID, COPY with COPYUID, MOVE', async (t) => {
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const client = await ImapClient.loggedIn(port);
  const sent = store.folderInfo(BOB, 'Sent');
  const message = 'Subject: Sent by me\r\n\r\nHi\r\n';
  client.write(`a1 APPEND Sent (\\Seen) "05-Mar-2024 10:00:00 +0100" {${message.length}}\r\n`);
  assert.equal(await client.response(), '+ Ready for literal data');
  client.write(`${message}\r\n`);
  assert.equal((await client.until('a1')).status, `OK [APPENDUID ${sent.uidValidity} 1] APPEND completed`);
  const stored = store.listMessages(BOB, 'Sent')[0]!;
  assert.deepEqual(stored.flags, ['\\Seen']);
  assert.equal(new Date(stored.internalDate).toISOString(), '2024-03-05T09:00:00.000Z');
  assert.match((await client.run('APPEND Nope {2+}\r\nhi')).status, /^NO \[TRYCREATE\]/);

  await client.ok('SELECT INBOX');
  const trash = store.folderInfo(BOB, 'Trash');
  assert.equal((await client.run('COPY 1:2 Trash')).status, `OK [COPYUID ${trash.uidValidity} 1:2 1:2] COPY completed`);
  assert.match((await client.run('COPY 1 Nope')).status, /^NO \[TRYCREATE\]/);
  const moved = await client.run('UID MOVE 2:3 Trash');
  assert.deepEqual(moved.untagged, [`* OK [COPYUID ${trash.uidValidity} 2:3 3:4] Moved`, '* 3 EXPUNGE', '* 2 EXPUNGE']);
  assert.match(moved.status, /^OK/);
  assert.deepEqual(
    store.listMessages(BOB, 'Trash').map((m) => m.uid),
    [1, 2, 3, 4],
  );
  assert.deepEqual(await client.ok('UID SEARCH ALL'), ['* SEARCH 1 4']);
  client.close();
});

test("IDLE pushes a delivery and another session's changes; NOOP reports them too", async (t) => {
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const watcher = await ImapClient.loggedIn(port);
  const other = await ImapClient.loggedIn(port);
  await watcher.ok('SELECT INBOX');
  await other.ok('SELECT INBOX');
  watcher.write('w1 IDLE\r\n');
  assert.equal(await watcher.response(), '+ idling');
  await store.deliver({ address: BOB, raw: SIMPLE });
  assert.equal(await watcher.response(), '* 5 EXISTS');
  assert.equal(await watcher.response(), '* 5 RECENT', 'the watcher heard of it first: \\Recent is its');
  // The other session hears of the delivery at the end of its next command; not as recent.
  assert.deepEqual(await other.ok('STORE 1 +FLAGS.SILENT (\\Deleted)'), ['* 5 EXISTS', '* 0 RECENT']);
  assert.equal(await watcher.response(), '* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))');
  assert.deepEqual(await other.ok('NOOP'), []);
  await other.ok('EXPUNGE');
  assert.equal(await watcher.response(), '* 1 EXPUNGE');
  watcher.write('DONE\r\n');
  assert.match((await watcher.until('w1')).status, /^OK/);
  // During FETCH an expunge is not announced; it waits for a command that allows it.
  await other.ok('UID STORE 2 +FLAGS.SILENT (\\Deleted)');
  await other.ok('UID EXPUNGE 2');
  // Message 1 (UID 2) is gone from the store: left out of the FETCH (RFC 2180 §4.1.3).
  assert.deepEqual(await watcher.ok('FETCH 1 (UID)'), []);
  assert.deepEqual(await watcher.ok('NOOP'), ['* 1 EXPUNGE']);
  assert.deepEqual(await watcher.ok('FETCH 1:* (UID)'), [
    '* 1 FETCH (UID 3)',
    '* 2 FETCH (UID 4)',
    '* 3 FETCH (UID 5)',
  ]);
  watcher.close();
  other.close();
});

test('an empty mailbox selects with 0 EXISTS', async (t) => {
  const { port } = await startImap(t, makeStore(t));
  const client = await ImapClient.loggedIn(port);
  assert.ok((await client.ok('SELECT Drafts')).includes('* 0 EXISTS'));
  assert.deepEqual(await client.ok('UID FETCH 1:* (FLAGS)'), []);
  assert.deepEqual(await client.ok('SEARCH ALL'), ['* SEARCH']);
  client.close();
});
