import { test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { startTestWorld } from '../helpers/test-world.js';
import { submit, handedTo, LAN, dequeued } from './paths-fixture.js';
test('probe', { timeout: 20000 }, async (t) => {
  const lab = await startTestWorld({ clock: { kind: 'stepped' } });
  t.after(() => lab.close());
  const q = await submit(lab, 'alice', {
    from: 'alice@siroe.example',
    to: 'dave@eng.siroe.example',
    subject: 'To the LAN',
  });
  const r = await handedTo(lab, q, LAN);
  await dequeued(lab, r);
  console.log('delivered');
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: lab.world.portOf('mmp', 'imap'),
    secure: false,
    doSTARTTLS: false,
    auth: { user: 'dave', pass: 'dave' },
    logger: {
      debug: (o: any) => console.log('D', JSON.stringify(o).slice(0, 300)),
      info: (o: any) => console.log('I', JSON.stringify(o).slice(0, 300)),
      warn: console.log,
      error: console.log,
    } as any,
  });
  client.on('error', (e) => console.log('err', e));
  await client.connect();
  console.log('connected');
  const lock = await client.getMailboxLock('INBOX');
  console.log('locked');
  const uids = await client.search({ subject: 'To the LAN' }, { uid: true });
  console.log('uids', uids);
  const m = await client.fetchOne(String((uids as number[])[0]), { source: true }, { uid: true });
  console.log('fetched', m && m.source?.length);
  lock.release();
  await client.logout();
});
