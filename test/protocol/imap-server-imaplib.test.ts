import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOB, ImapClient, startImap } from '../helpers/imap-fixture.js';
import { has, run, seeded } from '../helpers/pop3-messages.js';

// Python's imaplib as an independent standard client. The script prints one JSON
// object of what it saw; the assertions are here.
const SCRIPT = String.raw`
import imaplib, json, sys, re
port = int(sys.argv[1])
out = {}
bad = imaplib.IMAP4('127.0.0.1', port)
try:
    bad.login('bob', 'wrong')
    out['wrong'] = 'accepted'
except imaplib.IMAP4.error as e:
    out['wrong'] = str(e)
bad.logout()
m = imaplib.IMAP4('127.0.0.1', port)
out['caps'] = sorted(m.capabilities)
m.login('bob', 'bob')
out['list'] = [x.decode() for x in m.list()[1]]
typ, data = m.select('INBOX')
out['exists'] = data[0].decode()
typ, data = m.fetch('1', '(BODY.PEEK[HEADER] ENVELOPE)')
out['header'] = data[0][1].decode()
out['envelope'] = data[1].decode()
typ, data = m.fetch('2', '(BODYSTRUCTURE)')
out['bodystructure'] = data[0].decode()
typ, data = m.fetch('2', '(BODY[1])')
out['part1'] = data[0][1].decode('utf-8')
typ, data = m.store('1', '+FLAGS', '(\\Flagged)')
out['store'] = [x.decode() for x in data]
out['search'] = m.search(None, 'UNSEEN')[1][0].decode()
typ, data = m.append('Sent', '(\\Seen)', None, b'Subject: from python\r\n\r\nhello\r\n')
out['append'] = data[0].decode()
out['copy'] = m._simple_command('UID', 'COPY', '1', 'Trash')[1][0].decode()
out['move'] = m._simple_command('UID', 'MOVE', '2', 'Archive')[0]
m.store('1', '+FLAGS', '(\\Deleted)')
out['expunge'] = [x.decode() for x in m.expunge()[1]]
out['after'] = m.uid('SEARCH', None, 'ALL')[1][0].decode()
m.close()
m.logout()
print(json.dumps(out))
`;

test('Python imaplib: login, list, select, fetch, store, search, append, copy, move, expunge', async (t) => {
  if (!(await has('python3'))) return t.skip('python3 not installed');
  const store = await seeded(t);
  const { port } = await startImap(t, store);
  const { stdout } = await run('python3', ['-c', SCRIPT, String(port)]);
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.match(String(out.wrong), /AUTHENTICATIONFAILED/);
  assert.ok((out.caps as string[]).includes('UIDPLUS'));
  assert.ok((out.list as string[]).includes('(\\HasNoChildren \\Trash) "/" "Trash"'));
  assert.equal(out.exists, '4');
  assert.match(String(out.header), /^From: Alice <alice@siroe\.example>\r\n/);
  assert.match(String(out.envelope), /ENVELOPE \(NIL "First"/);
  assert.match(String(out.bodystructure), /"MIXED" \("BOUNDARY" "b1"\)/);
  assert.equal(out.part1, 'Plain part, caf\u00e9');
  assert.deepEqual(out.store, ['1 (FLAGS (\\Flagged \\Recent))']);
  assert.equal(out.search, '1 3 4'); // message 2 was read with BODY[1]
  assert.match(String(out.append), /^\[APPENDUID \d+ 1\] APPEND completed$/);
  assert.match(String(out.copy), /^\[COPYUID \d+ 1 1\] COPY completed$/);
  assert.equal(out.move, 'OK');
  // imaplib keeps MOVE's untagged EXPUNGE (message 2) and hands it out with EXPUNGE's own.
  assert.deepEqual(out.expunge, ['2', '1']);
  assert.equal(out.after, '3 4');
  assert.deepEqual(
    store.listMessages(BOB, 'Archive').map((m) => m.subject),
    ['Multipart'],
  );
  assert.deepEqual(store.listMessages(BOB, 'Sent')[0]?.flags, ['\\Seen']);
});

test('many sessions at once, then server close says BYE', async (t) => {
  const store = await seeded(t);
  const { port, server } = await startImap(t, store);
  const clients = await Promise.all(Array.from({ length: 5 }, () => ImapClient.loggedIn(port)));
  await Promise.all(clients.map((c) => c.ok('SELECT INBOX')));
  assert.equal(server.connectionCount, 5);
  const closing = server.close();
  for (const c of clients) assert.match(await c.response(), /^\* BYE/);
  await closing;
  assert.equal(server.connectionCount, 0);
});
