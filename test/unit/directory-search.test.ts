import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSimpleBind } from '../../server/directory/bind-operation.js';
import { normalizeDn } from '../../server/directory/dn.js';
import { buildDirectoryEntries } from '../../server/directory/entries.js';
import { matchFilter } from '../../server/directory/filter.js';
import { parseFilterString } from '../../server/directory/ldapjs-edge.js';
import { buildRootDse, runSearch, type SearchInput } from '../../server/directory/search-operation.js';
import { DirectoryTree } from '../../server/directory/tree.js';
import { defaultWorld, SERVICE } from './directory-fixture.js';

const BASE = 'o=siroe.example';
const tree = new DirectoryTree(buildDirectoryEntries(defaultWorld(), SERVICE));
const rootDse = buildRootDse(tree);

function search(filter: string, more: Partial<SearchInput> = {}) {
  return runSearch(tree, rootDse, {
    base: BASE,
    scope: 'sub',
    filter: parseFilterString(filter),
    attributes: [],
    sizeLimit: 0,
    typesOnly: false,
    boundNormDn: undefined,
    ...more,
  });
}

function dns(filter: string, more: Partial<SearchInput> = {}): string[] {
  return search(filter, more).entries.map((e) => e.dn);
}

test('equality is case-insensitive in attribute names and values', () => {
  assert.deepEqual(dns('(uid=bob)'), ['uid=bob,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(UID=BOB)'), ['uid=bob,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(mailAlternateAddress=Postmaster@Siroe.Example)'), ['uid=alice,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(|(mail=staff@siroe.example)(mailAlternateAddress=staff@siroe.example))'), [
    'cn=staff,ou=Groups,o=siroe.example',
  ]);
});

test('presence, substrings, ordering, and/or/not', () => {
  assert.equal(dns('(objectClass=inetMailUser)').length, 4);
  assert.deepEqual(dns('(&(objectClass=inetMailUser)(mailHost=mailboxb*))'), [
    'uid=bob,ou=People,o=siroe.example',
    'uid=carol,ou=People,o=siroe.example',
  ]);
  assert.deepEqual(dns('(&(objectClass=inetMailUser)(!(mailHost=mailboxb*)))'), [
    'uid=alice,ou=People,o=siroe.example',
    'uid=dave,ou=People,o=siroe.example',
  ]);
  assert.deepEqual(dns('(cn=*ADAMS)'), ['uid=alice,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(cn=b*o*n)'), ['uid=bob,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(cn=bob*bob)'), [], 'the final piece may not overlap the initial one');
  assert.deepEqual(dns('(&(uid>=c)(uid<=d))'), ['uid=carol,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(mailAlternateAddress=*)'), ['uid=alice,ou=People,o=siroe.example']);
  assert.deepEqual(dns('(uniqueMember=UID=Bob, ou=people,o=siroe.example)'), ['cn=staff,ou=Groups,o=siroe.example']);
  assert.deepEqual(dns('(uid~=carol)'), ['uid=carol,ou=People,o=siroe.example']);
});

test('filters on userPassword never match, not even negated (no hash oracle)', () => {
  assert.deepEqual(dns('(userPassword=*)'), []);
  assert.deepEqual(dns('(userPassword={SSHA}*)'), []);
  assert.deepEqual(dns('(&(uid=alice)(!(userPassword=x)))'), []);
  assert.deepEqual(dns('(|(uid=alice)(userPassword=x))'), ['uid=alice,ou=People,o=siroe.example']);
});

test('three-valued logic: Undefined is neither TRUE nor FALSE', () => {
  const entry = tree.get(normalizeDn('uid=alice,ou=People,o=siroe.example'))!;
  assert.equal(matchFilter(parseFilterString('(userPassword=x)'), entry), undefined);
  assert.equal(matchFilter(parseFilterString('(!(userPassword=x))'), entry), undefined);
  assert.equal(matchFilter(parseFilterString('(&(uid=bob)(userPassword=x))'), entry), false);
  assert.equal(matchFilter(parseFilterString('(|(uid=alice)(userPassword=x))'), entry), true);
  assert.equal(matchFilter(parseFilterString('(cn:caseExactMatch:=Alice Adams)'), entry), undefined);
  assert.equal(matchFilter(parseFilterString('(noSuchAttribute=x)'), entry), false);
});

test('scopes base, one and sub; unknown base is noSuchObject with matchedDN', () => {
  assert.deepEqual(dns('(objectClass=*)', { scope: 'base' }), [BASE]);
  assert.deepEqual(dns('(objectClass=*)', { scope: 'one' }), [
    'ou=People,o=siroe.example',
    'ou=Groups,o=siroe.example',
    'ou=Domains,o=siroe.example',
    'ou=Services,o=siroe.example',
  ]);
  assert.equal(dns('(objectClass=*)', { base: 'ou=People,o=siroe.example', scope: 'one' }).length, 4);
  assert.equal(dns('(uid=alice)', { base: 'ou=Groups,o=siroe.example' }).length, 0);
  assert.equal(dns('(uid=alice)', { base: 'UID=ALICE,OU=PEOPLE,O=SIROE.EXAMPLE', scope: 'base' }).length, 1);
  const missing = search('(objectClass=*)', { base: 'uid=zed,ou=People,o=siroe.example' });
  assert.equal(missing.status, 32);
  assert.equal(missing.matchedDn, 'ou=People,o=siroe.example');
  assert.equal(search('(objectClass=*)', { base: 'not a dn' }).status, 34);
  assert.equal(search('(objectClass=*)', { base: 'o=elsewhere' }).status, 32);
});

test('the root DSE names the suffix and LDAP v3', () => {
  const result = search('(objectClass=*)', {
    base: '',
    scope: 'base',
    attributes: ['namingContexts', 'supportedLDAPVersion'],
  });
  assert.equal(result.status, 0);
  assert.deepEqual(result.entries, [
    {
      dn: '',
      attributes: [
        { type: 'namingContexts', values: ['o=siroe.example'] },
        { type: 'supportedLDAPVersion', values: ['3'] },
      ],
    },
  ]);
  // Under the root, one level down is the suffix itself.
  assert.deepEqual(dns('(objectClass=*)', { base: '', scope: 'one' }), [BASE]);
});

test('requested attributes, 1.1, typesOnly and sizeLimit', () => {
  const [bob] = search('(uid=bob)', { attributes: ['MAILHOST', 'cn'] }).entries;
  assert.deepEqual(bob!.attributes, [
    { type: 'cn', values: ['Bob Brown'] },
    { type: 'mailHost', values: ['mailboxb.siroe.example'] },
  ]);
  assert.deepEqual(search('(uid=bob)', { attributes: ['1.1'] }).entries[0]!.attributes, []);
  assert.deepEqual(search('(uid=bob)', { attributes: ['mail'], typesOnly: true }).entries[0]!.attributes, [
    { type: 'mail', values: [] },
  ]);
  const limited = search('(objectClass=inetMailUser)', { sizeLimit: 2 });
  assert.equal(limited.status, 4);
  assert.equal(limited.entries.length, 2);
  assert.equal(search('(objectClass=inetMailUser)', { sizeLimit: 4 }).status, 0);
});

test('userPassword is shown only to the entry itself', () => {
  const alice = normalizeDn('uid=alice,ou=People,o=siroe.example');
  const hasPassword = (boundNormDn: string | undefined) =>
    search('(uid=alice)', { boundNormDn, attributes: ['*'] }).entries[0]!.attributes.some(
      (a) => a.type === 'userPassword',
    );
  assert.equal(hasPassword(undefined), false);
  assert.equal(hasPassword(normalizeDn(SERVICE.dn)), false);
  assert.equal(hasPassword(normalizeDn('uid=bob,ou=People,o=siroe.example')), false);
  assert.equal(hasPassword(alice), true);
  const explicit = search('(uid=alice)', { boundNormDn: undefined, attributes: ['userPassword'] });
  assert.deepEqual(explicit.entries[0]!.attributes, []);
});

test('simple bind: right password, wrong password, unknown DN, unauthenticated, bad DN, v2', () => {
  assert.deepEqual(checkSimpleBind(tree, 'uid=alice,ou=People,o=siroe.example', 'alice', 3), {
    ok: true,
    normDn: normalizeDn('uid=alice,ou=People,o=siroe.example'),
  });
  assert.equal(checkSimpleBind(tree, 'UID=Alice, ou=people,o=siroe.example', 'alice', 3).ok, true);
  assert.equal(checkSimpleBind(tree, SERVICE.dn, SERVICE.password, 3).ok, true);
  const status = (dn: string, pw: string, version = 3) => {
    const outcome = checkSimpleBind(tree, dn, pw, version);
    return outcome.ok ? 0 : outcome.status;
  };
  assert.equal(status('uid=alice,ou=People,o=siroe.example', 'wrong'), 49);
  assert.equal(status('uid=zed,ou=People,o=siroe.example', 'zed'), 49);
  assert.equal(status('ou=People,o=siroe.example', 'x'), 49, 'an entry without a password');
  assert.equal(status('uid=alice,ou=People,o=siroe.example', ''), 49, 'unauthenticated bind');
  assert.equal(status('', 'something'), 49);
  assert.equal(status('not a dn', 'x'), 34);
  assert.equal(status('uid=alice,ou=People,o=siroe.example', 'alice', 2), 2);
});

test('equality lookups use the value index (same answers as a full scan)', () => {
  // A filter the index cannot narrow (substring) and one it can (equality) must agree.
  for (const uid of ['alice', 'bob', 'carol', 'dave', 'nobody']) {
    assert.deepEqual(
      dns(`(uid=${uid})`),
      dns(`(uid=${uid}*)`).filter((dn) => dn.startsWith(`uid=${uid},`)),
    );
  }
  assert.deepEqual(dns('(&(objectClass=person)(|(mail=bob@siroe.example)(mail=carol@siroe.example)))'), [
    'uid=bob,ou=People,o=siroe.example',
    'uid=carol,ou=People,o=siroe.example',
  ]);
});
