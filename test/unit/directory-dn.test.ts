import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeDnValue, formatDn, normalizeDn, parseDn } from '../../server/directory/dn.js';
import { escapeFilterValue } from '../../server/directory/filter-escape.js';

test('parseDn reads RDNs, multi-valued RDNs, escapes and quotes', () => {
  assert.deepEqual(parseDn(''), []);
  assert.deepEqual(parseDn('uid=alice,ou=People,o=siroe.example'), [
    [{ type: 'uid', value: 'alice' }],
    [{ type: 'ou', value: 'People' }],
    [{ type: 'o', value: 'siroe.example' }],
  ]);
  assert.deepEqual(parseDn('cn=Adams\\, Alice+uid=alice , o=x'), [
    [
      { type: 'cn', value: 'Adams, Alice' },
      { type: 'uid', value: 'alice' },
    ],
    [{ type: 'o', value: 'x' }],
  ]);
  assert.deepEqual(parseDn('cn=caf\\C3\\A9,o=x')[0], [{ type: 'cn', value: 'café' }]);
  assert.deepEqual(parseDn('cn="Adams, Alice",o=x')[0], [{ type: 'cn', value: 'Adams, Alice' }]);
  assert.deepEqual(parseDn('cn=\\ lead\\ ,o=x')[0], [{ type: 'cn', value: ' lead ' }]);
  assert.deepEqual(parseDn('cn=😀 smile,o=x')[0], [{ type: 'cn', value: '😀 smile' }]);
});

test('parseDn rejects what is not a DN', () => {
  for (const bad of ['garbage', 'uid=x\\zz,o=x', '=x', 'cn="open,o=x', '1bad=x', 'cn=a,,o=x']) {
    assert.throws(() => parseDn(bad), /invalid DN/, bad);
  }
});

test('normalizeDn makes equal DNs equal strings', () => {
  const canonical = normalizeDn('uid=alice,ou=People,o=siroe.example');
  assert.equal(normalizeDn('UID=Alice, OU=people,O=Siroe.Example'), canonical);
  assert.equal(normalizeDn('uid=alice,ou=People , o=siroe.example'), canonical);
  assert.equal(normalizeDn('uid=al\\69ce,ou=People,o=siroe.example'), canonical);
  assert.notEqual(normalizeDn('uid=bob,ou=People,o=siroe.example'), canonical);
  assert.equal(normalizeDn('cn=a+uid=b,o=x'), normalizeDn('UID=B+cn=A,o=x'));
  // An escaped comma stays part of the value: one RDN, not two.
  assert.notEqual(normalizeDn('cn=a\\,o=x'), normalizeDn('cn=a,o=x'));
});

test('escapeDnValue round-trips through parseDn', () => {
  for (const value of ['Adams, Alice', ' leading', 'trailing ', '#hash', 'a+b=c;d<e>f"g\\h', 'plain']) {
    const dn = formatDn([[{ type: 'cn', value }], [{ type: 'o', value: 'x' }]]);
    assert.equal(parseDn(dn)[0]![0]!.value, value, dn);
  }
  assert.equal(escapeDnValue('a,b'), 'a\\,b');
});

test('escapeFilterValue neutralizes filter syntax (RFC 4515)', () => {
  assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
  assert.equal(escapeFilterValue('back\\slash'), 'back\\5cslash');
  assert.equal(escapeFilterValue('nul\0'), 'nul\\00');
  assert.equal(escapeFilterValue('alice@siroe.example'), 'alice@siroe.example');
});
