// imapflow (a real IMAP client library) against a whole world, through the MMP:
// directory login, mailHost lookup, relay to bob's store host (mailboxb).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MessageStore } from '../../server/store/message-store.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

const BOB = 'bob@siroe.example';
const STORE_NODE = 'mailboxb.siroe.example';
const MMP_NODE = 'mmp.siroe.example';

let lab: TestWorld;
let store: MessageStore;
let port: number;
const clients: ImapFlow[] = [];

before(async () => {
  lab = await startTestWorld();
  store = lab.world.stores.get(STORE_NODE)!.store;
  port = lab.world.portOf('mmp', 'imap');
});
after(async () => {
  for (const c of clients) c.close();
  await lab.close();
});

/** A connected imapflow client for bob (plaintext is allowed on loopback). */
async function flow(options: Partial<ImapFlowOptions> = {}): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: 'bob', pass: 'bob' },
    logger: false,
    ...options,
  });
  client.on('error', () => {});
  clients.push(client);
  await client.connect();
  return client;
}

/** A multipart/mixed message with an alternative text/html body and an attachment. */
function multipart(subject: string): Promise<Buffer> {
  return new MailComposer({
    from: 'Erin <erin@example.com>',
    to: 'Bob <bob@siroe.example>',
    cc: 'carol@siroe.example',
    subject,
    messageId: `<${subject.replace(/\W/g, '')}@example.com>`,
    date: new Date('2025-01-06T10:00:00Z'),
    text: 'Plain text, café',
    html: '<p>HTML <b>text</b></p>',
    attachments: [{ filename: 'numbers.txt', content: '0123456789'.repeat(20), contentType: 'text/plain' }],
  })
    .compile()
    .build();
}

describe('imapflow through the MMP', { timeout: 30_000 }, () => {
  test('login succeeds; a wrong password fails with authenticationFailed', async () => {
    const client = await flow();
    assert.ok(client.authenticated);
    assert.ok(client.capabilities.has('CONDSTORE') && client.capabilities.has('UIDPLUS'));
    assert.ok(client.enabled.has('CONDSTORE') && client.enabled.has('UTF8=ACCEPT'));
    await client.logout();
    const wrong = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: 'bob', pass: 'nope' },
    });
    wrong.on('error', () => {});
    clients.push(wrong);
    await assert.rejects(
      wrong.connect(),
      (err: { authenticationFailed?: boolean }) => err.authenticationFailed === true,
    );
    const proxied = await lab.waitFor('mmp.proxied', (e) => e.data.protocol === 'imap' && e.data.user === BOB);
    assert.equal(proxied.to, STORE_NODE);
  });

  test('list and mailboxOpen', async () => {
    const client = await flow();
    const folders = await client.list();
    const byPath = new Map(folders.map((f) => [f.path, f]));
    assert.deepEqual([...byPath.keys()].sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    assert.equal(byPath.get('Trash')?.specialUse, '\\Trash');
    assert.equal(byPath.get('Sent')?.subscribed, true);
    await store.deliver({ address: BOB, raw: await multipart('Opening') });
    const info = store.folderInfo(BOB, 'INBOX');
    const box = await client.mailboxOpen('INBOX');
    assert.equal(box.exists, info.messages);
    assert.equal(box.uidValidity, BigInt(info.uidValidity));
    assert.equal(box.uidNext, info.uidNext);
    assert.equal(box.highestModseq, BigInt(info.highestModseq));
    await client.logout();
  });

  test('fetch of every item on multipart messages: envelope, bodyStructure, source, headers, parts, partial', async () => {
    const raw = await multipart('Quarterly report');
    const { uid } = await store.deliver({ address: BOB, raw });
    const client = await flow();
    await client.mailboxOpen('INBOX');
    const all = {
      uid: true,
      flags: true,
      size: true,
      internalDate: true,
      envelope: true,
      bodyStructure: true,
      source: true,
      headers: ['subject', 'cc'],
      bodyParts: ['1.1', '1.2', '2', { key: '2', start: 10, maxLength: 15 }],
    };
    const msg = await client.fetchOne(String(uid), all, { uid: true });
    assert.ok(msg);
    assert.equal(msg.size, raw.length);
    assert.ok(msg.source?.equals(raw), 'source is the stored bytes');
    assert.equal(msg.envelope?.subject, 'Quarterly report');
    assert.deepEqual(msg.envelope?.from, [{ name: 'Erin', address: 'erin@example.com' }]);
    assert.deepEqual(msg.envelope?.cc, [{ name: '', address: 'carol@siroe.example' }]);
    assert.equal(msg.envelope?.messageId, '<Quarterlyreport@example.com>');
    // HEADER.FIELDS keeps the message's own order of the lines (RFC 3501 §6.4.5).
    assert.equal(msg.headers?.toString(), 'Cc: carol@siroe.example\r\nSubject: Quarterly report\r\n\r\n');
    const tree = msg.bodyStructure!;
    assert.equal(tree.type, 'multipart/mixed');
    assert.deepEqual(
      tree.childNodes?.map((n) => n.type),
      ['multipart/alternative', 'text/plain'],
    );
    assert.deepEqual(
      tree.childNodes?.[0]?.childNodes?.map((n) => [n.part, n.type]),
      [
        ['1.1', 'text/plain'],
        ['1.2', 'text/html'],
      ],
    );
    assert.equal(tree.childNodes?.[1]?.dispositionParameters?.filename, 'numbers.txt');
    assert.match(msg.bodyParts?.get('1.1')?.toString() ?? '', /^Plain text, caf/);
    assert.match(msg.bodyParts?.get('1.2')?.toString() ?? '', /<b>text<\/b>/);
    assert.deepEqual([...(msg.flags ?? [])], ['\\Recent'], 'this session is the first to see it');
    assert.equal(typeof msg.modseq, 'bigint', 'CONDSTORE: MODSEQ comes with every fetch');
    const partial = await client.fetchOne(String(uid), { source: { start: 100, maxLength: 50 } }, { uid: true });
    assert.ok(partial && partial.source?.equals(raw.subarray(100, 150)), 'a byte range of the source');
    assert.equal(store.getMessage(BOB, 'INBOX', uid)?.summary.flags.includes('\\Seen'), false, 'PEEK only');
    const fetched = await lab.waitFor('mailbox.fetched', (e) => e.data.user === BOB && e.data.messages === 1);
    assert.deepEqual([fetched.node, fetched.from, fetched.to], [STORE_NODE, STORE_NODE, MMP_NODE]);
    await client.logout();
  });

  test('search, flags add/remove, copy, move, append with UIDPLUS, expunge', async () => {
    const { uid } = await store.deliver({ address: BOB, raw: await multipart('Search me') });
    const client = await flow();
    await client.mailboxOpen('INBOX');
    assert.deepEqual(await client.search({ subject: 'Search me' }, { uid: true }), [uid]);
    assert.ok(await client.messageFlagsAdd(String(uid), ['\\Flagged', '$Important'], { uid: true }));
    assert.deepEqual(store.getMessage(BOB, 'INBOX', uid)?.summary.flags, ['$Important', '\\Flagged']);
    assert.deepEqual(await client.search({ flagged: true }, { uid: true }), [uid]);
    assert.ok(await client.messageFlagsRemove(String(uid), ['$Important'], { uid: true }));
    assert.deepEqual(store.getMessage(BOB, 'INBOX', uid)?.summary.flags, ['\\Flagged']);

    const copied = await client.messageCopy(String(uid), 'Archive', { uid: true });
    assert.ok(copied);
    const archived = store.listMessages(BOB, 'Archive').at(-1)!;
    assert.equal(copied.uidMap?.get(uid), archived.uid);
    assert.equal(archived.subject, 'Search me');
    const moved = await client.messageMove(String(uid), 'Trash', { uid: true });
    assert.ok(moved);
    assert.equal(moved.uidMap?.get(uid), store.listMessages(BOB, 'Trash').at(-1)!.uid);
    assert.equal(store.getMessage(BOB, 'INBOX', uid), undefined);

    const draft = Buffer.from('From: bob@siroe.example\r\nSubject: Draft\r\n\r\nNot yet.\r\n');
    const appended = await client.append('Drafts', draft, ['\\Draft', '\\Seen']);
    assert.ok(appended);
    const info = store.folderInfo(BOB, 'Drafts');
    assert.equal(appended.uidValidity, BigInt(info.uidValidity));
    assert.equal(appended.uid, info.uidNext - 1);
    assert.deepEqual(store.getMessage(BOB, 'Drafts', appended.uid!)?.raw, draft);

    await client.mailboxOpen('Drafts');
    assert.ok(await client.messageDelete(String(appended.uid), { uid: true }));
    assert.equal(store.listMessages(BOB, 'Drafts').length, 0, 'flagged \\Deleted and expunged');
    await client.logout();
  });

  test('IDLE: a message delivered by SMTP reaches the client as an exists event', async () => {
    const client = await flow();
    await client.mailboxOpen('INBOX');
    const before = store.folderInfo(BOB, 'INBOX').messages;
    const exists = once(client, 'exists') as Promise<[{ count: number; prevCount: number }]>;
    void client.idle();
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: lab.world.portOf('mta', 'smtp'), secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: BOB, subject: 'While idling', text: 'ding' });
    const [event] = await exists;
    assert.equal(event.count, before + 1);
    const newest = await client.fetchOne('*', { envelope: true });
    assert.equal(newest && newest.envelope?.subject, 'While idling');
    await client.logout();
  });

  test('STARTTLS at the MMP, then login and fetch over TLS', async () => {
    const client = await flow({ doSTARTTLS: true, tls: { rejectUnauthorized: false } });
    const box = await client.mailboxOpen('INBOX');
    assert.ok(box.exists > 0);
    const tls = await lab.waitFor('tls.started', (e) => e.node === MMP_NODE && e.data.protocol === 'imap');
    assert.ok(tls.data.cipher);
    await client.logout();
  });

  test('CONDSTORE: changedSince fetch and unchangedSince store', async () => {
    const client = await flow();
    const box = await client.mailboxOpen('INBOX');
    const since = box.highestModseq!;
    const { uid } = await store.deliver({ address: BOB, raw: await multipart('Changed later') });
    await client.noop(); // the EXISTS for it: a FETCH only sees messages the client was told of
    const changed = await client.fetchAll('1:*', { uid: true, flags: true }, { changedSince: since });
    assert.deepEqual(
      changed.map((m) => m.uid),
      [uid],
    );
    const current = (await client.fetchOne(String(uid), { uid: true }, { uid: true })) || undefined;
    assert.ok(current?.modseq);
    assert.ok(await client.messageFlagsAdd(String(uid), ['\\Answered'], { uid: true, unchangedSince: current.modseq }));
    // Stale now: the server answers OK [MODIFIED uid] and leaves the flags alone.
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true, unchangedSince: current.modseq });
    assert.deepEqual(store.getMessage(BOB, 'INBOX', uid)?.summary.flags, ['\\Answered']);
    await client.logout();
  });
});
