import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Client, InsufficientAccessError, InvalidCredentialsError } from 'ldapts';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { DirectoryClient } from '../../server/directory/client.js';
import { DirectoryServer } from '../../server/directory/server.js';
import { defaultWorld, SERVICE } from '../unit/directory-fixture.js';

const BASE = 'o=siroe.example';
const ALICE = 'uid=alice,ou=People,o=siroe.example';

async function startServer(port = 0): Promise<{ server: DirectoryServer; port: number; url: string }> {
  const server = new DirectoryServer({ spec: defaultWorld(), node: 'ldap.siroe.example', serviceCredentials: SERVICE });
  const bound = await server.listen(port, '127.0.0.1');
  return { server, port: bound, url: `ldap://127.0.0.1:${bound}` };
}

function newDirectoryClient(url: string, tracer: MemoryTracer, timeoutMs?: number): DirectoryClient {
  return new DirectoryClient({
    url,
    baseDn: BASE,
    service: SERVICE,
    tracer,
    callerNode: 'mta.siroe.example',
    directoryNode: 'ldap.siroe.example',
    timeoutMs,
  });
}

async function withLdapts<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url, timeout: 5000 });
  try {
    return await fn(client);
  } finally {
    await client.unbind();
  }
}

/** Send raw bytes and collect everything until the server closes the connection. */
function rawExchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** userPassword values of an ldapts entry (ldapts lists a requested but absent attribute as []). */
function passwordValues(entry: Record<string, unknown>): unknown[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === 'userpassword');
  const value = key === undefined ? [] : entry[key];
  return Array.isArray(value) ? value : [value];
}

function assertUnavailable(err: unknown): true {
  assert.ok(err instanceof MailError, `expected a MailError, got ${String(err)}`);
  assert.equal(err.code, 451);
  assert.equal(err.enhanced, '4.4.3');
  assert.equal(err.publicText, 'Directory server unavailable');
  assert.equal(err.component, 'directory');
  assert.ok(err.temporary);
  return true;
}

describe('DirectoryServer over LDAP (ldapts as the client)', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    ctx = await startServer();
  });
  after(() => ctx.server.close());

  test('search (uid=bob) shows his mailHost', async () => {
    const { searchEntries } = await withLdapts(ctx.url, (c) => c.search(BASE, { filter: '(uid=bob)' }));
    assert.equal(searchEntries.length, 1);
    assert.equal(searchEntries[0]!.dn, 'uid=bob,ou=People,o=siroe.example');
    assert.equal(searchEntries[0]!.mailHost, 'mailboxb.siroe.example');
  });

  test('an anonymous search never returns userPassword', async () => {
    for (const attributes of [[], ['*'], ['userPassword'], ['+']]) {
      const { searchEntries } = await withLdapts(ctx.url, (c) => c.search(BASE, { filter: '(uid=alice)', attributes }));
      assert.equal(searchEntries.length, 1);
      assert.deepEqual(passwordValues(searchEntries[0]!), [], String(attributes));
    }
  });

  test('bind alice/alice succeeds (and she sees her own hash); alice/wrong is invalidCredentials', async () => {
    await withLdapts(ctx.url, async (c) => {
      await c.bind(ALICE, 'alice');
      const own = await c.search(ALICE, { scope: 'base', attributes: ['userPassword'] });
      assert.match(String(own.searchEntries[0]!.userPassword), /^\{SSHA\}/);
      const bobs = await c.search(BASE, { filter: '(uid=bob)', attributes: ['userPassword'] });
      assert.deepEqual(passwordValues(bobs.searchEntries[0]!), []);
    });
    await assert.rejects(
      withLdapts(ctx.url, (c) => c.bind(ALICE, 'wrong')),
      InvalidCredentialsError,
    );
    await assert.rejects(
      withLdapts(ctx.url, (c) => c.bind('uid=nobody,ou=People,o=siroe.example', 'x')),
      InvalidCredentialsError,
    );
    await assert.rejects(
      withLdapts(ctx.url, (c) => c.bind(ALICE, '')),
      InvalidCredentialsError,
    );
  });

  test('a failed bind, or an anonymous one, leaves the connection anonymous', async () => {
    const ownPassword = async (c: Client) =>
      passwordValues((await c.search(ALICE, { scope: 'base', attributes: ['userPassword'] })).searchEntries[0]!);
    await withLdapts(ctx.url, async (c) => {
      await c.bind(ALICE, 'alice');
      assert.equal((await ownPassword(c)).length, 1);
      await assert.rejects(c.bind(ALICE, 'wrong'), InvalidCredentialsError);
      assert.deepEqual(await ownPassword(c), []);
      await c.bind(ALICE, 'alice');
      await c.bind('', '');
      assert.deepEqual(await ownPassword(c), []);
    });
  });

  test('the root DSE names the suffix', async () => {
    const { searchEntries } = await withLdapts(ctx.url, (c) =>
      c.search('', { scope: 'base', attributes: ['namingContexts', 'supportedLDAPVersion'] }),
    );
    assert.equal(searchEntries[0]!.namingContexts, BASE);
    assert.equal(searchEntries[0]!.supportedLDAPVersion, '3');
  });

  test('group staff lists its members', async () => {
    const { searchEntries } = await withLdapts(ctx.url, (c) =>
      c.search(`ou=Groups,${BASE}`, { scope: 'one', filter: '(cn=staff)' }),
    );
    const staff = searchEntries[0]!;
    assert.deepEqual(staff.mgrpRFC822MailMember, ['alice@siroe.example', 'bob@siroe.example', 'carol@siroe.example']);
    assert.deepEqual(staff.uniqueMember, [
      ALICE,
      'uid=bob,ou=People,o=siroe.example',
      'uid=carol,ou=People,o=siroe.example',
    ]);
  });

  test('an unknown base is noSuchObject; sizeLimit is honoured', async () => {
    await assert.rejects(
      withLdapts(ctx.url, (c) => c.search(`ou=Nowhere,${BASE}`, { filter: '(objectClass=*)' })),
      (err: Error & { code?: number }) => err.code === 32,
    );
    const limited = await withLdapts(ctx.url, (c) =>
      c.search(BASE, { filter: '(objectClass=inetMailUser)', sizeLimit: 2 }),
    );
    assert.equal(limited.searchEntries.length, 2);
  });

  test('writes are refused with insufficientAccessRights', async () => {
    await withLdapts(ctx.url, async (c) => {
      await c.bind(ALICE, 'alice');
      await assert.rejects(
        c.add(`uid=eve,ou=People,${BASE}`, { objectClass: 'person', uid: 'eve' }),
        InsufficientAccessError,
      );
      await assert.rejects(c.del(`uid=bob,ou=People,${BASE}`), InsufficientAccessError);
      await assert.rejects(c.modifyDN(`uid=bob,ou=People,${BASE}`, 'uid=robert'), InsufficientAccessError);
    });
    const { searchEntries } = await withLdapts(ctx.url, (c) => c.search(BASE, { filter: '(uid=bob)' }));
    assert.equal(searchEntries.length, 1, 'bob is still there');
  });

  test('a message claiming 16 MiB gets a Notice of Disconnection, and the server carries on', async () => {
    const reply = await rawExchange(ctx.port, Buffer.from([0x30, 0x84, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x01]));
    assert.equal(reply[0], 0x30);
    assert.ok(reply.includes(Buffer.from('1.3.6.1.4.1.1466.20036')), 'notice of disconnection');
    assert.ok(reply.includes(Buffer.from('exceeds the limit')));
    const junk = await rawExchange(ctx.port, Buffer.from('HELO example.com\r\n'));
    assert.ok(junk.includes(Buffer.from('not an LDAP message')));
    const { searchEntries } = await withLdapts(ctx.url, (c) => c.search(BASE, { filter: '(uid=bob)' }));
    assert.equal(searchEntries.length, 1);
  });
});

describe('DirectoryClient against DirectoryServer', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let tracer: MemoryTracer;
  let directory: DirectoryClient;
  before(async () => {
    ctx = await startServer();
    tracer = new MemoryTracer(new WorldClock());
    directory = newDirectoryClient(ctx.url, tracer);
  });
  after(async () => {
    await directory.close();
    await ctx.server.close();
  });

  test('an alternate address finds the person', async () => {
    const found = await directory.findRecipient('postmaster@siroe.example', 'route', {
      traceId: 'msg_a',
      spanId: 'msg_a.d1',
    });
    assert.ok(found && found.kind === 'user');
    assert.equal(found.uid, 'alice');
    assert.equal(found.dn, ALICE);
    assert.equal(found.mail, 'alice@siroe.example');
    assert.deepEqual(found.alternateAddresses, ['postmaster@siroe.example', 'a.adams@siroe.example']);
    assert.equal(found.mailHost, 'mailboxa.siroe.example');
    assert.deepEqual(found.deliveryOptions, ['mailbox']);
    assert.deepEqual(found.forwardingAddresses, []);
    assert.equal(found.status, 'active');
    const event = tracer.ofKind('directory.searched').at(-1)!;
    assert.equal(event.node, 'ldap.siroe.example');
    assert.equal(event.from, 'mta.siroe.example');
    assert.equal(event.to, 'ldap.siroe.example');
    assert.equal(event.traceId, 'msg_a');
    assert.equal(event.spanId, 'msg_a.d1');
    assert.deepEqual(
      { ...event.data, durationMs: 0 },
      {
        base: BASE,
        scope: 'sub',
        filter: '(|(mail=postmaster@siroe.example)(mailAlternateAddress=postmaster@siroe.example))',
        purpose: 'route',
        entries: 1,
        dns: [ALICE],
        durationMs: 0,
      },
    );
    assert.ok(event.data.durationMs >= 0);
  });

  test('a group address gives the group with its three members; case does not matter', async () => {
    const found = await directory.findRecipient('Staff@Siroe.Example', 'rcpt check');
    assert.deepEqual(found, {
      kind: 'group',
      dn: 'cn=staff,ou=Groups,o=siroe.example',
      cn: 'staff',
      mail: 'staff@siroe.example',
      members: ['alice@siroe.example', 'bob@siroe.example', 'carol@siroe.example'],
    });
  });

  test('an unknown address is undefined, and so is a filter injection attempt', async () => {
    assert.equal(await directory.findRecipient('nobody@siroe.example', 'rcpt check'), undefined);
    assert.equal(await directory.findRecipient('*)(uid=*', 'rcpt check'), undefined);
    assert.equal(await directory.findRecipient('*', 'rcpt check'), undefined);
    assert.equal(await directory.findUser('*', 'login'), undefined);
    assert.equal(await directory.findUser('al*', 'login'), undefined);
    const last = tracer.ofKind('directory.searched').at(-1)!;
    assert.equal(last.data.filter, '(&(objectClass=inetMailUser)(uid=al\\2a))');
    assert.equal(last.data.entries, 0);
    const injected = tracer.ofKind('directory.searched').find((e) => e.data.filter.includes('\\2a\\29\\28uid'))!;
    assert.equal(injected.data.entries, 0);
  });

  test('findUser by uid or by mail, findDomain', async () => {
    assert.equal((await directory.findUser('carol', 'login'))?.mailHost, 'mailboxb.siroe.example');
    assert.equal((await directory.findUser('dave@eng.siroe.example', 'login'))?.uid, 'dave');
    assert.equal(await directory.findUser('staff@siroe.example', 'login'), undefined, 'a group is not a user');
    assert.deepEqual(await directory.findDomain('ENG.siroe.example', 'route'), {
      name: 'eng.siroe.example',
      mailRoutingHost: 'eng.siroe.example',
    });
    assert.equal(await directory.findDomain('example.com', 'route'), undefined);
  });

  test('authenticate: right password gives the user, wrong password undefined, both traced', async () => {
    const before = tracer.ofKind('directory.bound').length;
    const user = await directory.authenticate('alice', 'alice', 'imap login', { traceId: 'ses_1' });
    assert.equal(user?.uid, 'alice');
    assert.equal(await directory.authenticate('alice', 'wrong', 'imap login'), undefined);
    assert.equal(await directory.authenticate('alice', '', 'imap login'), undefined);
    assert.equal(await directory.authenticate('nobody', 'nobody', 'imap login'), undefined);
    assert.equal((await directory.authenticate('bob@siroe.example', 'bob', 'pop login'))?.uid, 'bob');
    const binds = tracer.ofKind('directory.bound').slice(before);
    assert.deepEqual(
      binds.map((e) => [e.data.dn, e.data.ok, e.data.purpose, e.traceId]),
      [
        [ALICE, true, 'imap login', 'ses_1'],
        [ALICE, false, 'imap login', undefined],
        ['uid=bob,ou=People,o=siroe.example', true, 'pop login', undefined],
      ],
    );
  });

  test('concurrent lookups share one service connection (one service bind)', async () => {
    const fresh = newDirectoryClient(ctx.url, tracer);
    try {
      const before = tracer.ofKind('directory.bound').length;
      const addresses = Array.from(
        { length: 50 },
        (_, i) => ['alice', 'bob', 'carol', 'staff', 'zed'][i % 5] + '@siroe.example',
      );
      const found = await Promise.all(addresses.map((a) => fresh.findRecipient(a, 'route')));
      assert.equal(found.filter(Boolean).length, 40);
      const binds = tracer.ofKind('directory.bound').slice(before);
      assert.equal(binds.length, 1);
      assert.equal(binds[0]!.data.dn, SERVICE.dn);
      assert.equal(binds[0]!.data.ok, true);
      assert.match(binds[0]!.data.purpose, /^service session/);
    } finally {
      await fresh.close();
    }
  });
});

describe('DirectoryClient when the directory is down', () => {
  test('an unreachable server gives MailError 451 4.4.3', async () => {
    const { server, url } = await startServer();
    await server.close();
    const directory = newDirectoryClient(url, new MemoryTracer(new WorldClock()), 2000);
    try {
      await assert.rejects(directory.findRecipient('alice@siroe.example', 'route'), assertUnavailable);
      await assert.rejects(directory.authenticate('alice', 'alice', 'login'), assertUnavailable);
    } finally {
      await directory.close();
    }
  });

  test('a server that never answers times out as 4.4.3', async (t) => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      sockets.forEach((s) => s.destroy());
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const directory = newDirectoryClient(`ldap://127.0.0.1:${port}`, new MemoryTracer(new WorldClock()), 200);
    t.after(() => directory.close());
    await assert.rejects(directory.findRecipient('alice@siroe.example', 'route'), assertUnavailable);
  });

  test('after a directory restart the client reconnects by itself', async () => {
    const tracer = new MemoryTracer(new WorldClock());
    const first = await startServer();
    const directory = newDirectoryClient(first.url, tracer, 2000);
    try {
      assert.equal((await directory.findRecipient('bob@siroe.example', 'route'))?.kind, 'user');
      await first.server.close();
      await assert.rejects(directory.findRecipient('bob@siroe.example', 'route'), assertUnavailable);
      const second = await startServer(first.port);
      try {
        assert.equal((await directory.findRecipient('bob@siroe.example', 'route'))?.kind, 'user');
        assert.equal(tracer.ofKind('directory.bound').filter((e) => e.data.ok).length, 2, 'bound again as the service');
      } finally {
        await second.server.close();
      }
    } finally {
      await directory.close();
    }
  });
});

const LDAPSEARCH = ['/usr/bin/ldapsearch', '/usr/local/bin/ldapsearch'].find((p) => existsSync(p));

describe('ldapsearch transcript', () => {
  test(
    'ldapsearch finds bob and the root DSE',
    { skip: LDAPSEARCH ? false : 'ldapsearch is not installed (apt-get install ldap-utils)' },
    async (t) => {
      const { server, port } = await startServer();
      t.after(() => server.close());
      const run = promisify(execFile);
      const url = `ldap://127.0.0.1:${port}`;
      const bob = await run(LDAPSEARCH!, ['-x', '-LLL', '-H', url, '-b', BASE, '(uid=bob)']);
      assert.match(bob.stdout, /^dn: uid=bob,ou=People,o=siroe\.example$/m);
      assert.match(bob.stdout, /^mailHost: mailboxb\.siroe\.example$/m);
      assert.doesNotMatch(bob.stdout, /userPassword/i);
      const root = await run(LDAPSEARCH!, ['-x', '-LLL', '-H', url, '-s', 'base', '-b', '', 'namingContexts']);
      assert.match(root.stdout, /^namingContexts: o=siroe\.example$/m);
      const wrong = run(LDAPSEARCH!, ['-x', '-LLL', '-H', url, '-D', ALICE, '-w', 'wrong', '-b', BASE, '(uid=alice)']);
      await assert.rejects(
        wrong,
        (err: Error & { code?: number; stderr?: string }) =>
          err.code === 49 && /Invalid credentials/.test(err.stderr ?? ''),
      );
    },
  );
});
