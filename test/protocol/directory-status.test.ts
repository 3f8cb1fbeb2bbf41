import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Attribute, Change, Client, InsufficientAccessError, UnwillingToPerformError } from 'ldapts';
import { HostThread } from '../../server/core/host-thread.js';
import type { DirectoryThreadInit } from '../../server/directory/directory-thread.js';
import { setUserStatus } from '../../server/directory/status-control.js';
import { defaultWorld, SERVICE } from '../unit/directory-fixture.js';

/**
 * The directory as the world runs it (on its own thread), changed at run time through
 * the main thread's setUserStatus, and seen by a real LDAP client on the wire.
 */

const BASE = 'o=siroe.example';
const BOB = 'uid=bob,ou=People,o=siroe.example';

async function withLdapts<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url, timeout: 5000 });
  try {
    return await fn(client);
  } finally {
    await client.unbind();
  }
}

describe('mailUserStatus changed at run time on the directory thread', () => {
  let thread: HostThread;
  let url: string;

  before(async () => {
    const init: DirectoryThreadInit = {
      options: { spec: defaultWorld(), node: 'ldap.siroe.example', serviceCredentials: SERVICE },
      port: 0,
      host: '127.0.0.1',
    };
    const started = await HostThread.start(
      new URL('../../server/directory/directory-thread.ts', import.meta.url),
      init,
    );
    thread = started.thread;
    url = `ldap://127.0.0.1:${started.started as number}`;
  });
  after(() => thread.close());

  /** `ldapsearch -b o=siroe.example '(filter)' mailUserStatus`, as the service account. */
  const search = (filter: string) =>
    withLdapts(url, async (c) => {
      await c.bind(SERVICE.dn, SERVICE.password);
      const { searchEntries } = await c.search(BASE, { filter, attributes: ['mailUserStatus'] });
      return searchEntries.map((e) => ({ dn: e.dn, status: e.mailUserStatus }));
    });

  test('a client sees the new status, the index finds it, and restore undoes it', async () => {
    assert.deepEqual(await search('(mailUserStatus=hold)'), [], 'nobody is on hold before');
    assert.deepEqual(await search('(uid=bob)'), [{ dn: BOB, status: 'active' }]);

    const change = await setUserStatus(thread, 'bob@siroe.example', 'hold');
    assert.deepEqual(change, { dn: BOB, previous: 'active', status: 'hold', restored: false });
    assert.deepEqual(await search('(uid=bob)'), [{ dn: BOB, status: 'hold' }]);
    assert.deepEqual(await search('(mailUserStatus=hold)'), [{ dn: BOB, status: 'hold' }]);
    const active = await search('(&(objectClass=inetMailUser)(mailUserStatus=active))');
    assert.ok(!active.some((e) => e.dn === BOB), 'bob left the active bucket');

    const restored = await setUserStatus(thread, 'bob@siroe.example', undefined);
    assert.equal(restored.status, 'active');
    assert.deepEqual(await search('(mailUserStatus=hold)'), []);
    assert.deepEqual(await search('(uid=bob)'), [{ dn: BOB, status: 'active' }]);
  });

  test('an unknown address or status is a clear error, and changes nothing', async () => {
    await assert.rejects(
      setUserStatus(thread, 'nobody@siroe.example', 'disabled'),
      /cannot set mailUserStatus of nobody@siroe\.example: no mail user nobody@siroe\.example in the directory/,
    );
    await assert.rejects(setUserStatus(thread, 'bob@siroe.example', 'asleep'), /unknown mailUserStatus "asleep"/);
    assert.deepEqual(await search('(mailUserStatus=disabled)'), []);
  });

  test('an LDAP modify by the service account changes it; by anyone else it is refused', async () => {
    const replace = (value: string) =>
      new Change({ operation: 'replace', modification: new Attribute({ type: 'mailUserStatus', values: [value] }) });
    await withLdapts(url, async (c) => {
      await assert.rejects(c.modify(BOB, replace('disabled')), InsufficientAccessError, 'anonymous');
      await c.bind(BOB, 'bob');
      await assert.rejects(c.modify(BOB, replace('active')), InsufficientAccessError, 'not even on oneself');
      await c.bind(SERVICE.dn, SERVICE.password);
      await assert.rejects(
        c.modify(
          BOB,
          new Change({ operation: 'replace', modification: new Attribute({ type: 'mailHost', values: ['x'] }) }),
        ),
        UnwillingToPerformError,
      );
      await c.modify(BOB, replace('overquota'));
    });
    assert.deepEqual(await search('(mailUserStatus=overquota)'), [{ dn: BOB, status: 'overquota' }]);
    await withLdapts(url, async (c) => {
      await c.bind(SERVICE.dn, SERVICE.password);
      await c.modify(BOB, new Change({ operation: 'delete', modification: new Attribute({ type: 'mailUserStatus' }) }));
    });
    assert.deepEqual(await search('(uid=bob)'), [{ dn: BOB, status: 'active' }], 'delete restores the spec value');
  });
});
