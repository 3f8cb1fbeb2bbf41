// POP3 through the MMP of a whole world (directory login, mailHost, relay to
// mailboxb): TOP, UIDL, DELE + QUIT, the maildrop lock, and the store's trace.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MessageStore } from '../../server/store/message-store.js';
import { PopClient } from '../helpers/pop3-fixture.js';
import { MESSAGES } from '../helpers/pop3-messages.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

const BOB = 'bob@siroe.example';
const STORE_NODE = 'mailboxb.siroe.example';
const MMP_NODE = 'mmp.siroe.example';

let lab: TestWorld;
let store: MessageStore;
let port: number;
const clients: PopClient[] = [];

before(async () => {
  lab = await startTestWorld();
  store = lab.world.stores.get(STORE_NODE)!.store;
  port = lab.world.portOf('mmp', 'pop3');
  for (const raw of MESSAGES) await store.deliver({ address: BOB, raw });
});
after(async () => {
  for (const c of clients) c.close();
  await lab.close();
});

async function loggedIn(): Promise<PopClient> {
  const pop = await PopClient.connect(port);
  clients.push(pop);
  assert.match(await pop.line(), /^\+OK mmp\.siroe\.example POP3 proxy/);
  pop.send('USER bob', 'PASS bob');
  await pop.ok(/Send PASS/);
  await pop.ok(/^\+OK Logged in, 4 messages/);
  return pop;
}

describe('POP3 through the MMP of a world', { timeout: 20_000 }, () => {
  test('UIDL and TOP; each TOP is one mailbox.fetched drawn store → MMP', async () => {
    const pop = await loggedIn();
    const { uidValidity } = store.folderInfo(BOB, 'INBOX');
    pop.send('UIDL', 'UIDL 2', 'TOP 1 1', 'TOP 2 0');
    assert.deepEqual(
      await pop.lines(),
      [1, 2, 3, 4].map((n) => `${n} ${uidValidity}.${n}`),
    );
    await pop.ok(new RegExp(`^\\+OK 2 ${uidValidity}\\.2$`));
    assert.deepEqual((await pop.lines()).slice(-2), ['', 'Hello Bob,']);
    const top0 = await pop.lines();
    assert.equal(top0.at(-1), '', 'TOP n 0: the header and the blank line only');
    assert.ok(top0.includes('Subject: Multipart'));
    const fetched = lab.events().filter((e) => e.kind === 'mailbox.fetched');
    assert.deepEqual(
      fetched.map((e) => [e.node, e.from, e.to, e.kind === 'mailbox.fetched' && e.data.protocol]),
      [
        [STORE_NODE, STORE_NODE, MMP_NODE, 'pop3'],
        [STORE_NODE, STORE_NODE, MMP_NODE, 'pop3'],
      ],
    );
    pop.send('QUIT');
    await pop.ok(/signing off/);
    await pop.closed;
    assert.equal(store.listMessages(BOB, 'INBOX').length, 4, 'QUIT without DELE removes nothing');
  });

  test('a second session for the same maildrop gets [IN-USE] while the first holds it', async () => {
    const holder = await loggedIn();
    const second = await PopClient.connect(port);
    clients.push(second);
    await second.ok(/MMP/);
    second.send('USER bob', 'PASS bob');
    await second.ok();
    await second.err(/^-ERR \[IN-USE\] /);
    const failed = await lab.waitFor('mmp.failed', (e) => e.data.protocol === 'pop3');
    assert.match(failed.data.reason, /IN-USE/);
    holder.send('QUIT');
    await holder.ok();
    second.send('USER bob', 'PASS bob', 'STAT', 'QUIT');
    await second.ok();
    await second.ok(/Logged in/);
    await second.ok(/^\+OK 4 /);
    await second.ok(/signing off/);
  });

  test('DELE then QUIT removes exactly the marked messages from the store', async () => {
    const pop = await loggedIn();
    const before = store.listMessages(BOB, 'INBOX').map((m) => m.uid);
    pop.send('DELE 1', 'DELE 3', 'DELE 3', 'LIST', 'QUIT');
    await pop.ok();
    await pop.ok();
    await pop.err(/already deleted/);
    assert.equal((await pop.lines()).length, 2);
    await pop.ok(/2 messages deleted, 2 left/);
    await pop.closed;
    assert.deepEqual(
      store.listMessages(BOB, 'INBOX').map((m) => m.uid),
      [before[1], before[3]],
    );
  });
});
