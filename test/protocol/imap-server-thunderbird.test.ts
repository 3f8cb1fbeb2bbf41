import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOB, ImapClient, startImap } from '../helpers/imap-fixture.js';
import { seeded, SIMPLE } from '../helpers/pop3-messages.js';

// The commands Thunderbird sends on first sync (issue 3), spelled as it spells them.
test('Thunderbird first sync, move to Trash, Sent APPEND', async (t) => {
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const { client } = await ImapClient.greeted(port);
  await client.ok('capability');
  await client.ok('login "bob" "bob"');
  await client.ok('namespace');
  await client.ok('ID ("name" "Thunderbird" "version" "153.0")');
  await client.ok('ENABLE UTF8=ACCEPT');
  assert.match((await client.run('xlist "" "%"')).status, /^BAD/);
  assert.equal((await client.ok('list "" "*"')).length, 6);
  assert.equal((await client.ok('lsub "" "*"')).length, 6);
  await client.ok('select "INBOX"');
  await client.ok('getquotaroot "INBOX"');
  assert.equal((await client.ok('UID fetch 1:* (FLAGS)')).length, 4);
  const headers = await client.ok(
    'UID fetch 1:4 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID ' +
      'Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])',
  );
  assert.match(headers[0]!, /^\* 1 FETCH \(UID 1 RFC822\.SIZE \d+ FLAGS \(\) BODY\[HEADER\.FIELDS \(FROM TO CC BCC/);
  assert.match(headers[0]!, /Message-ID: <m1@siroe\.example>\r\n\r\n\)$/);
  const text = await client.ok('UID fetch 1 (UID RFC822.SIZE BODY.PEEK[TEXT]<0.2048>)');
  assert.match(text[0]!, /BODY\[TEXT\]<0> \{\d+\}\r\nHello Bob,/);
  const body = await client.ok('UID fetch 1 (UID RFC822.SIZE BODY.PEEK[])');
  assert.ok(body[0]!.includes(SIMPLE.toString()));
  const status = await client.ok('STATUS "Trash" (UIDNEXT MESSAGES UNSEEN RECENT)');
  assert.match(status[0]!, /^\* STATUS "Trash" \(UIDNEXT 1 MESSAGES 0 UNSEEN 0 RECENT 0\)$/);
  await client.ok('create "Work"');
  await client.ok('subscribe "Work"');
  await client.ok('UID store 1 +FLAGS (\\Seen)');
  const moved = await client.run('UID move 1 "Trash"');
  assert.match(moved.status, /^OK/);
  assert.deepEqual(moved.untagged.slice(1), ['* 1 EXPUNGE']);
  await client.ok('noop');
  client.write('a99 APPEND "Sent" (\\Seen) {20+}\r\nSubject: s\r\n\r\nbody\r\n\r\n');
  assert.match((await client.until('a99')).status, /^OK \[APPENDUID \d+ 1\]/);
  assert.equal(store.listMessages(BOB, 'Trash')[0]?.subject, 'First');
  assert.deepEqual(store.listMessages(BOB, 'Trash')[0]?.flags, ['\\Seen']);
  client.write('a100 IDLE\r\n');
  assert.equal(await client.response(), '+ idling');
  client.write('DONE\r\n');
  assert.match((await client.until('a100')).status, /^OK/);
  await client.ok('logout');
});
