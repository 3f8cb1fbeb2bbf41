import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDirectoryEntries } from '../../server/directory/entries.js';
import { hashSsha, verifySsha } from '../../server/directory/password-hash.js';
import type { DirectoryEntry } from '../../server/directory/types.js';
import { defaultWorld, SERVICE } from './directory-fixture.js';

function byDn(entries: DirectoryEntry[], dn: string): DirectoryEntry {
  const found = entries.find((e) => e.dn === dn);
  assert.ok(found, `no entry ${dn}`);
  return found;
}

test('the tree has the suffix, the four units, people, groups, domains and the service account', () => {
  const entries = buildDirectoryEntries(defaultWorld(), SERVICE);
  assert.deepEqual(
    entries.slice(0, 5).map((e) => e.dn),
    [
      'o=siroe.example',
      'ou=People,o=siroe.example',
      'ou=Groups,o=siroe.example',
      'ou=Domains,o=siroe.example',
      'ou=Services,o=siroe.example',
    ],
  );
  assert.deepEqual(byDn(entries, 'o=siroe.example').attributes.objectClass, ['top', 'organization']);
  for (const uid of ['alice', 'bob', 'carol', 'dave']) byDn(entries, `uid=${uid},ou=People,o=siroe.example`);
  byDn(entries, 'cn=staff,ou=Groups,o=siroe.example');
  byDn(entries, 'dc=siroe.example,ou=Domains,o=siroe.example');
  byDn(entries, 'dc=eng.siroe.example,ou=Domains,o=siroe.example');
  byDn(entries, SERVICE.dn);
});

test('a person has the Sun mail schema attributes', () => {
  const alice = byDn(buildDirectoryEntries(defaultWorld(), SERVICE), 'uid=alice,ou=People,o=siroe.example').attributes;
  assert.deepEqual(alice.objectClass, [
    'top',
    'person',
    'organizationalPerson',
    'inetOrgPerson',
    'inetUser',
    'inetMailUser',
    'ipUser',
  ]);
  assert.deepEqual(alice.cn, ['Alice Adams']);
  assert.deepEqual(alice.sn, ['Adams']);
  assert.deepEqual(alice.givenName, ['Alice']);
  assert.deepEqual(alice.mail, ['alice@siroe.example']);
  assert.deepEqual(alice.mailAlternateAddress, ['postmaster@siroe.example', 'a.adams@siroe.example']);
  assert.deepEqual(alice.mailHost, ['mailboxa.siroe.example']);
  assert.deepEqual(alice.mailDeliveryOption, ['mailbox']);
  assert.deepEqual(alice.mailUserStatus, ['active']);
  assert.deepEqual(alice.inetUserStatus, ['active']);
  assert.equal(alice.mailForwardingAddress, undefined);
});

test('passwords are stored as salted SHA-1 and default to the uid', () => {
  const spec = defaultWorld();
  spec.users[1]!.password = 'hunter2';
  const entries = buildDirectoryEntries(spec, SERVICE);
  const [alicePw] = byDn(entries, 'uid=alice,ou=People,o=siroe.example').attributes.userPassword!;
  const [bobPw] = byDn(entries, 'uid=bob,ou=People,o=siroe.example').attributes.userPassword!;
  assert.match(alicePw!, /^\{SSHA\}[A-Za-z0-9+/]+=*$/);
  assert.ok(verifySsha(alicePw!, 'alice'));
  assert.ok(!verifySsha(alicePw!, 'Alice'));
  assert.ok(verifySsha(bobPw!, 'hunter2'));
  assert.ok(!verifySsha(bobPw!, 'bob'));
  const [servicePw] = byDn(entries, SERVICE.dn).attributes.userPassword!;
  assert.ok(verifySsha(servicePw!, SERVICE.password));
});

test('SSHA is SHA-1(password + salt) then base64(digest + salt)', () => {
  const salt = Buffer.from('0102030405060708', 'hex');
  // Computed independently (Python hashlib): base64(sha1("alice" || salt) || salt).
  const value = hashSsha('alice', salt);
  assert.equal(value, '{SSHA}aYettkifOpKZDJtoivSorkUeilUBAgMEBQYHCA==');
  assert.ok(verifySsha(value, 'alice'));
  assert.ok(!verifySsha('{SHA}abc', 'alice'));
  assert.ok(!verifySsha('{SSHA}AAAA', 'alice'));
  assert.notEqual(hashSsha('alice'), hashSsha('alice'), 'a fresh salt each time');
});

test('a group lists directory members by DN and every member by address', () => {
  const spec = defaultWorld();
  spec.groups[0]!.members.push('erin@example.com', 'POSTMASTER@siroe.example');
  const staff = byDn(buildDirectoryEntries(spec, SERVICE), 'cn=staff,ou=Groups,o=siroe.example').attributes;
  assert.deepEqual(staff.objectClass, ['top', 'groupOfUniqueNames', 'inetMailGroup']);
  assert.deepEqual(staff.mail, ['staff@siroe.example']);
  assert.deepEqual(staff.uniqueMember, [
    'uid=alice,ou=People,o=siroe.example',
    'uid=bob,ou=People,o=siroe.example',
    'uid=carol,ou=People,o=siroe.example',
    'uid=alice,ou=People,o=siroe.example',
  ]);
  assert.deepEqual(staff.mgrpRFC822MailMember, [
    'alice@siroe.example',
    'bob@siroe.example',
    'carol@siroe.example',
    'erin@example.com',
    'POSTMASTER@siroe.example',
  ]);
});

test('domains carry their routing host; user options come from the spec', () => {
  const spec = defaultWorld();
  spec.users[2] = {
    ...spec.users[2]!,
    deliveryOptions: ['forward', 'mailbox'],
    forwardingAddresses: ['gina@example.org'],
    status: 'inactive',
  };
  const entries = buildDirectoryEntries(spec, SERVICE);
  const eng = byDn(entries, 'dc=eng.siroe.example,ou=Domains,o=siroe.example').attributes;
  assert.deepEqual(eng.associatedDomain, ['eng.siroe.example']);
  assert.deepEqual(eng.mailRoutingHost, ['eng.siroe.example']);
  const carol = byDn(entries, 'uid=carol,ou=People,o=siroe.example').attributes;
  assert.deepEqual(carol.mailDeliveryOption, ['forward', 'mailbox']);
  assert.deepEqual(carol.mailForwardingAddress, ['gina@example.org']);
  assert.deepEqual(carol.mailUserStatus, ['inactive']);
});

test('special characters in names are escaped in DNs', () => {
  const spec = defaultWorld();
  spec.groups.push({ cn: 'Sales, EMEA', mail: 'sales@siroe.example', members: [] });
  const entries = buildDirectoryEntries(spec, SERVICE);
  byDn(entries, 'cn=Sales\\, EMEA,ou=Groups,o=siroe.example');
});

test('a service account outside ou=Services is refused', () => {
  assert.throws(
    () => buildDirectoryEntries(defaultWorld(), { dn: 'uid=mailsrv,ou=People,o=siroe.example', password: 'x' }),
    /ou=Services/,
  );
});
