import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { noticeOfDisconnection } from '../../server/directory/connection-guard.js';
import { equals, filterText } from '../../server/directory/filter-wire.js';
import { encodeBer, ldapMessage, LdapOp, resultElement } from '../../server/directory/ber.js';
import { LdapConnection, LdapResultError, LdapTimeoutError } from '../../server/directory/ldap-connection.js';
import { ResultCode } from '../../server/directory/result-codes.js';
import { DirectoryServer } from '../../server/directory/server.js';
import { defaultWorld, SERVICE } from '../unit/directory-fixture.js';

const BASE = 'o=siroe.example';

/** A TCP server that hands each accepted socket to `onSocket`, closed after the test. */
async function rawServer(t: { after(fn: () => void): void }, onSocket: (socket: Socket) => void): Promise<string> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return `ldap://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('LdapConnection against DirectoryServer', () => {
  let server: DirectoryServer;
  let url: string;
  let connection: LdapConnection;
  before(async () => {
    server = new DirectoryServer({ spec: defaultWorld(), node: 'ldap.siroe.example', serviceCredentials: SERVICE });
    url = `ldap://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    connection = await LdapConnection.open(url, 5000);
    await connection.bind(SERVICE.dn, SERVICE.password);
  });
  after(async () => {
    await connection.unbind();
    await server.close();
  });

  test('a search returns each entry with its attributes, as the server spelled them', async () => {
    const entries = await connection.search({
      base: BASE,
      scope: 'sub',
      filter: { type: 'or', clauses: [equals('mail', 'bob@siroe.example'), equals('mailAlternateAddress', 'x@y')] },
      attributes: ['uid', 'mailHost', 'objectClass'],
      sizeLimit: 2,
    });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.dn, 'uid=bob,ou=People,o=siroe.example');
    assert.deepEqual(entries[0]!.attributes.get('uid'), ['bob']);
    assert.deepEqual(entries[0]!.attributes.get('mailHost'), ['mailboxb.siroe.example']);
    assert.ok(entries[0]!.attributes.get('objectClass')!.includes('inetMailUser'));
  });

  test('fifty searches in flight at once on one connection each get their own answer', async () => {
    const users = ['alice', 'bob', 'carol', 'nobody'];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        connection.search({
          base: BASE,
          scope: 'sub',
          filter: equals('uid', users[i % users.length]!),
          attributes: ['uid'],
          sizeLimit: 0,
        }),
      ),
    );
    answers.forEach((entries, i) => {
      const uid = users[i % users.length]!;
      assert.deepEqual(
        entries.map((e) => e.attributes.get('uid')?.[0]),
        uid === 'nobody' ? [] : [uid],
      );
    });
  });

  test('substring, presence and negated filters reach the server intact', async () => {
    const entries = await connection.search({
      base: `ou=People,${BASE}`,
      scope: 'one',
      filter: {
        type: 'and',
        clauses: [
          { type: 'substrings', attribute: 'mail', initial: 'al', any: [], final: '@siroe.example' },
          { type: 'present', attribute: 'mailHost' },
          { type: 'not', clause: equals('uid', 'bob') },
        ],
      },
      attributes: ['uid'],
      sizeLimit: 0,
    });
    assert.deepEqual(
      entries.map((e) => e.attributes.get('uid')?.[0]),
      ['alice'],
    );
  });

  test('reaching the size limit gives the entries so far; an unknown base is an LdapResultError', async () => {
    const people = await connection.search({
      base: `ou=People,${BASE}`,
      scope: 'one',
      filter: { type: 'present', attribute: 'objectClass' },
      attributes: ['uid'],
      sizeLimit: 2,
    });
    assert.equal(people.length, 2);
    await assert.rejects(
      connection.search({
        base: 'o=elsewhere',
        scope: 'base',
        filter: equals('uid', 'x'),
        attributes: [],
        sizeLimit: 0,
      }),
      (err) => err instanceof LdapResultError && err.code === ResultCode.noSuchObject,
    );
  });

  test('a wrong password is LdapResultError 49, and the connection stays usable', async () => {
    const own = await LdapConnection.open(url, 5000);
    try {
      await assert.rejects(
        own.bind('uid=alice,ou=People,o=siroe.example', 'wrong'),
        (err) => err instanceof LdapResultError && err.code === ResultCode.invalidCredentials,
      );
      await own.bind('uid=alice,ou=People,o=siroe.example', 'alice');
      assert.ok(own.isConnected);
    } finally {
      await own.unbind();
    }
    assert.equal(own.isConnected, false);
    await assert.rejects(own.bind(SERVICE.dn, SERVICE.password), /closed/);
  });
});

describe('LdapConnection when the server misbehaves', () => {
  test('a Notice of Disconnection fails what is waiting with the server’s reason', async (t) => {
    const url = await rawServer(t, (socket) =>
      socket.once('data', () => socket.end(noticeOfDisconnection(ResultCode.protocolError, 'too big'))),
    );
    const connection = await LdapConnection.open(url, 5000);
    await assert.rejects(connection.bind('cn=x', 'y'), /disconnected: too big/);
    assert.equal(connection.isConnected, false);
  });

  test('a reply that is not BER fails the operation instead of hanging it', async (t) => {
    const url = await rawServer(t, (socket) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n')));
    const connection = await LdapConnection.open(url, 5000);
    await assert.rejects(connection.bind('cn=x', 'y'), /unreadable reply/);
  });

  test('a server that never answers fails the operation after the timeout', async (t) => {
    const url = await rawServer(t, () => undefined);
    const connection = await LdapConnection.open(url, 100);
    t.after(() => connection.unbind());
    await assert.rejects(
      connection.bind('cn=x', 'y'),
      (err) => err instanceof LdapTimeoutError && /timed out after 100 ms/.test(err.message),
    );
  });

  test('a malformed result fails its operation instead of leaving it waiting', async (t) => {
    // A BindResponse for message 1 with a resultCode and nothing after it.
    const truncated = encodeBer(ldapMessage(1, { tag: LdapOp.bindResponse, children: [{ tag: 0x0a, int: 0 }] }));
    const url = await rawServer(t, (socket) => socket.once('data', () => socket.write(truncated)));
    const connection = await LdapConnection.open(url, 5000);
    await assert.rejects(connection.bind('cn=x', 'y'), /unreadable reply/);
  });

  test('sizeLimitExceeded is an answer only when the search asked for a limit', async (t) => {
    const done = encodeBer(
      ldapMessage(1, resultElement({ responseTag: LdapOp.searchResultDone, resultCode: ResultCode.sizeLimitExceeded })),
    );
    const url = await rawServer(t, (socket) => socket.once('data', () => socket.write(done)));
    const connection = await LdapConnection.open(url, 5000);
    t.after(() => connection.unbind());
    const unlimited = { base: BASE, scope: 'sub' as const, filter: equals('uid', 'x'), attributes: [], sizeLimit: 0 };
    await assert.rejects(
      connection.search(unlimited),
      (err) => err instanceof LdapResultError && err.code === ResultCode.sizeLimitExceeded,
      'a limit the server imposed on an unlimited search is not a complete answer',
    );
  });

  test('a server that closes the connection fails what is waiting', async (t) => {
    const url = await rawServer(t, (socket) => socket.once('data', () => socket.destroy()));
    const connection = await LdapConnection.open(url, 5000);
    await assert.rejects(connection.bind('cn=x', 'y'), /closed the connection/);
  });
});

test('the trace shows a filter in RFC 4515 form, values escaped', () => {
  const filter = {
    type: 'and' as const,
    clauses: [
      equals('objectClass', 'inetMailUser'),
      { type: 'not' as const, clause: equals('uid', '*)(uid=*') },
      { type: 'substrings' as const, attribute: 'cn', initial: 'A', any: ['b'], final: '(c)' },
    ],
  };
  assert.equal(filterText(filter), '(&(objectClass=inetMailUser)(!(uid=\\2a\\29\\28uid=\\2a))(cn=A*b*\\28c\\29))');
});
