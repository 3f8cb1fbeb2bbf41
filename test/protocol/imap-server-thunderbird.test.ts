import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MmpImapProxy } from '../../server/mmp/imap-proxy.js';
import type { MessageStore } from '../../server/store/message-store.js';
import { ImapServer } from '../../server/store/imap/server.js';
import { BOB, ImapClient } from '../helpers/imap-fixture.js';
import { fakeDirectory, MMP_NODE } from '../helpers/mmp-pop3-fixture.js';
import { fakeAuthenticate } from '../helpers/pop3-fixture.js';
import { MESSAGES, MULTIPART, seeded, SIMPLE } from '../helpers/pop3-messages.js';

const STORE_NODE = 'mailboxa.siroe.example';
const FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';
const HEADER_FIELDS =
  'From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To';

/** The store's IMAP back end and the MMP in front of it, as Thunderbird meets them. */
async function startLab(t: TestContext, store: MessageStore) {
  const tracer = new MemoryTracer(new WorldClock());
  const backend = new ImapServer({
    hostname: STORE_NODE,
    node: STORE_NODE,
    tracer,
    store,
    authenticate: fakeAuthenticate,
    allowInsecureAuth: () => true,
  });
  const backendPort = await backend.listen(0, '127.0.0.1');
  t.after(() => backend.close());
  const proxy = new MmpImapProxy({
    hostname: MMP_NODE,
    node: MMP_NODE,
    tracer,
    authenticate: fakeDirectory,
    backend: () => ({ host: '127.0.0.1', port: backendPort }),
    allowInsecureAuth: () => true,
  });
  const port = await proxy.listen(0, '127.0.0.1');
  t.after(() => proxy.close());
  return { port, tracer };
}

/** `* n FETCH (...)` with the header block Thunderbird asks for, as the store must answer it. */
function headerFetch(seq: number, raw: Buffer): string {
  const text = raw.toString('utf8');
  const header = text.slice(0, text.indexOf('\r\n\r\n') + 2);
  const wanted = new Set(HEADER_FIELDS.toLowerCase().split(' '));
  const lines = header.split('\r\n').filter((l) => wanted.has(l.slice(0, l.indexOf(':')).toLowerCase()));
  const block = `${lines.join('\r\n')}\r\n\r\n`;
  const name = `BODY[HEADER.FIELDS (${HEADER_FIELDS.toUpperCase()})]`;
  return `* ${seq} FETCH (UID ${seq} RFC822.SIZE ${raw.length} FLAGS (\\Recent) ${name} {${block.length}}\r\n${block})`;
}

// Thunderbird 153's first sync as the issue lists it, spelled as Thunderbird spells it,
// through the MMP to the store host; every reply is checked.
test('Thunderbird first sync through the MMP: every reply of the transcript', async (t) => {
  const store = await seeded(t);
  const { port, tracer } = await startLab(t, store);
  const client = await ImapClient.connect(port);
  t.after(() => client.close());
  assert.match(await client.response(), /^\* OK \[CAPABILITY IMAP4rev1 .*\] mmp\.siroe\.example IMAP proxy/);

  const caps = await client.ok('capability');
  assert.match(caps[0]!, /^\* CAPABILITY IMAP4rev1 .* CONDSTORE UTF8=ACCEPT QUOTA QUOTA=RES-STORAGE AUTH=PLAIN$/);
  const login = await client.run('login "bob" "bob"');
  assert.match(login.status, /^OK \[CAPABILITY IMAP4rev1 [^\]]* UTF8=ACCEPT QUOTA QUOTA=RES-STORAGE\] Logged in$/);
  assert.deepEqual(await client.ok('namespace'), ['* NAMESPACE (("" "/")) NIL NIL']);
  assert.deepEqual(await client.ok('ID ("name" "Thunderbird" "version" "153.0")'), [
    '* ID ("name" "Mailscope" "vendor" "Mailscope lab")',
  ]);
  assert.deepEqual(await client.ok('ENABLE UTF8=ACCEPT'), ['* ENABLED UTF8=ACCEPT']);
  const xlist = await client.run('xlist "" "%"');
  assert.deepEqual([xlist.untagged, xlist.status], [[], 'BAD Unknown command']);

  const folders = ['"INBOX"', '(\\HasNoChildren \\Archive) "/" "Archive"', '(\\HasNoChildren \\Drafts) "/" "Drafts"'];
  assert.deepEqual(await client.ok('list "" "*"'), [
    `* LIST (\\HasNoChildren) "/" ${folders[0]}`,
    `* LIST ${folders[1]}`,
    `* LIST ${folders[2]}`,
    '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
    '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
    '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
  ]);
  assert.deepEqual(
    await client.ok('lsub "" "*"'),
    ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash'].map((f) => `* LSUB () "/" "${f}"`),
  );

  const select = await client.run('select "INBOX"');
  const { uidValidity, highestModseq } = store.folderInfo(BOB, 'INBOX');
  assert.deepEqual(select.untagged, [
    `* FLAGS (${FLAGS})`,
    `* OK [PERMANENTFLAGS (${FLAGS} \\*)] Flags permitted`,
    '* 4 EXISTS',
    '* 4 RECENT',
    '* OK [UNSEEN 1] First unseen',
    `* OK [UIDVALIDITY ${uidValidity}] UIDs valid`,
    '* OK [UIDNEXT 5] Predicted next UID',
    `* OK [HIGHESTMODSEQ ${highestModseq}] Highest`,
  ]);
  assert.equal(select.status, 'OK [READ-WRITE] SELECT completed');

  const usedKib = Math.ceil(MESSAGES.reduce((sum, m) => sum + m.length, 0) / 1024);
  assert.deepEqual(await client.ok('getquotaroot "INBOX"'), [
    '* QUOTAROOT "INBOX" ""',
    `* QUOTA "" (STORAGE ${usedKib} 102400)`,
  ]);
  assert.deepEqual(
    await client.ok('UID fetch 1:* (FLAGS)'),
    [1, 2, 3, 4].map((n) => `* ${n} FETCH (UID ${n} FLAGS (\\Recent))`),
  );
  assert.deepEqual(
    await client.ok(`UID fetch 1:4 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (${HEADER_FIELDS})])`),
    MESSAGES.map((raw, i) => headerFetch(i + 1, raw)),
  );
  assert.deepEqual(await client.ok('UID fetch 1 (UID RFC822.SIZE BODY.PEEK[])'), [
    `* 1 FETCH (UID 1 RFC822.SIZE ${SIMPLE.length} BODY[] {${SIMPLE.length}}\r\n${SIMPLE.toString('utf8')})`,
  ]);
  const bodyText = MULTIPART.subarray(MULTIPART.indexOf('\r\n\r\n') + 4);
  assert.deepEqual(await client.ok('UID fetch 2 (UID RFC822.SIZE BODY.PEEK[TEXT]<0.2048>)'), [
    `* 2 FETCH (UID 2 RFC822.SIZE ${MULTIPART.length} BODY[TEXT]<0> {${bodyText.length}}\r\n${bodyText.toString()})`,
  ]);

  assert.deepEqual(await client.run('create "Trash"'), {
    untagged: [],
    status: 'NO [ALREADYEXISTS] Folder already exists: Trash',
  });
  assert.deepEqual(await client.ok('subscribe "Trash"'), []);
  assert.deepEqual(await client.ok('STATUS "Trash" (UIDNEXT MESSAGES UNSEEN RECENT)'), [
    '* STATUS "Trash" (UIDNEXT 1 MESSAGES 0 UNSEEN 0 RECENT 0)',
  ]);
  assert.deepEqual(await client.run('noop'), { untagged: [], status: 'OK NOOP completed' });

  // IDLE: a delivery meanwhile is pushed at once, with its \Recent count.
  client.write('i1 IDLE\r\n');
  assert.equal(await client.response(), '+ idling');
  await store.deliver({ address: BOB, raw: SIMPLE });
  assert.equal(await client.response(), '* 5 EXISTS');
  assert.equal(await client.response(), '* 5 RECENT');
  client.write('DONE\r\n');
  assert.deepEqual(await client.until('i1'), { untagged: [], status: 'OK IDLE terminated' });

  assert.deepEqual(await client.ok('UID store 1 +Flags (\\Seen)'), ['* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))']);
  assert.deepEqual(await client.ok('UID store 2 +Flags (\\Flagged $Label1)'), [
    '* 2 FETCH (UID 2 FLAGS ($Label1 \\Flagged \\Recent))',
  ]);
  assert.deepEqual(await client.ok('UID store 2 -Flags ($Label1)'), ['* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))']);
  const trash = store.folderInfo(BOB, 'Trash').uidValidity;
  assert.deepEqual(await client.run('UID move 1 "Trash"'), {
    untagged: [`* OK [COPYUID ${trash} 1 1] Moved`, '* 1 EXPUNGE'],
    status: 'OK UID MOVE completed',
  });
  assert.deepEqual(await client.ok('STATUS "Trash" (UIDNEXT MESSAGES UNSEEN RECENT)'), [
    '* STATUS "Trash" (UIDNEXT 2 MESSAGES 1 UNSEEN 0 RECENT 1)',
  ]);

  const sent = Buffer.from('From: bob@siroe.example\r\nTo: alice@siroe.example\r\nSubject: Sent\r\n\r\nHi\r\n');
  client.write(`a1 append "Sent" (\\Seen) {${sent.length}}\r\n`);
  assert.equal(await client.response(), '+ Ready for literal data');
  client.write(Buffer.concat([sent, Buffer.from('\r\n')]));
  const sentValidity = store.folderInfo(BOB, 'Sent').uidValidity;
  assert.deepEqual(await client.until('a1'), {
    untagged: [],
    status: `OK [APPENDUID ${sentValidity} 1] APPEND completed`,
  });
  const bye = await client.run('logout');
  assert.match(bye.untagged[0]!, /^\* BYE mailboxa\.siroe\.example/);
  assert.equal(bye.status, 'OK LOGOUT completed');
  await client.closed;

  assert.deepEqual(
    store.listMessages(BOB, 'Trash').map((m) => [m.subject, m.flags]),
    [['First', ['\\Seen']]],
  );
  assert.deepEqual(
    store.listMessages(BOB, 'Sent').map((m) => [m.subject, m.flags]),
    [['Sent', ['\\Seen']]],
  );
  // The store drew the session as coming through the MMP, and the body fetches going back to it.
  const fetched = tracer.ofKind('mailbox.fetched');
  assert.deepEqual(
    fetched.map((e) => [e.from, e.to, e.data.messages]),
    [
      [STORE_NODE, MMP_NODE, 4],
      [STORE_NODE, MMP_NODE, 1],
      [STORE_NODE, MMP_NODE, 1],
    ],
  );
  const commands = tracer.ofKind('imap.command').map((e) => `${e.data.command} ${e.data.status}`);
  assert.deepEqual(commands.slice(0, 3), ['ID OK', 'LOGIN OK', 'NAMESPACE OK']);
  assert.ok(tracer.ofKind('imap.command').every((e) => e.from === MMP_NODE && e.to === STORE_NODE));
});
