import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDirectoryEntries } from '../../server/directory/entries.js';
import { parseFilterString } from '../../server/directory/ldapjs-edge.js';
import {
  deliveryVerdict,
  mayAccessMailbox,
  rcptVerdict,
  type DeliveryVerdict,
} from '../../server/directory/mail-user-status.js';
import { runModify, type ModifyInput } from '../../server/directory/modify-operation.js';
import { ResultCode } from '../../server/directory/result-codes.js';
import { DirectoryTree } from '../../server/directory/tree.js';
import { UserStatusEditor } from '../../server/directory/user-status-editor.js';
import { defaultWorld, SERVICE } from './directory-fixture.js';

const BOB = 'uid=bob,ou=People,o=siroe.example';
const ALICE = 'uid=alice,ou=People,o=siroe.example';

function fresh(): { tree: DirectoryTree; editor: UserStatusEditor; dns: (filter: string) => string[] } {
  const tree = new DirectoryTree(buildDirectoryEntries(defaultWorld(), SERVICE));
  const editor = new UserStatusEditor(tree);
  const dns = (filter: string) => (tree.search('', 'sub', parseFilterString(filter)) ?? []).map((e) => e.dn);
  return { tree, editor, dns };
}

function statusOf(tree: DirectoryTree, dn: string): string[] | undefined {
  return tree.get(tree.normalize(dn))?.attributes.find((a) => a.key === 'mailuserstatus')?.values;
}

describe('run-time mailUserStatus in the directory tree', () => {
  test('a change moves the entry between index buckets; restore puts it back in DIT order', () => {
    const { tree, editor, dns } = fresh();
    assert.deepEqual(dns('(mailUserStatus=hold)'), []);
    assert.equal(dns('(mailUserStatus=active)').length, 4);

    const change = editor.set('Bob@Siroe.Example', 'hold');
    assert.deepEqual(change, { dn: BOB, previous: 'active', status: 'hold', restored: false });
    assert.deepEqual(dns('(mailUserStatus=hold)'), [BOB]);
    assert.deepEqual(dns('(mailUserStatus=HOLD)'), [BOB], 'equality stays case-insensitive');
    assert.ok(!dns('(mailUserStatus=active)').includes(BOB), 'the old value is gone from the index');
    assert.deepEqual(dns('(&(objectClass=inetMailUser)(mailUserStatus=hold))'), [BOB]);
    assert.deepEqual(dns('(mailUserStatus=ho*)'), [BOB], 'scanning filters see the new value too');
    assert.deepEqual(statusOf(tree, BOB), ['hold'], 'search results carry the new value');

    editor.set('bob', 'overquota'); // by uid, and a second change before any restore
    assert.deepEqual(dns('(mailUserStatus=hold)'), []);
    assert.deepEqual(dns('(mailUserStatus=overquota)'), [BOB]);

    const restored = editor.set('bob@siroe.example', undefined);
    assert.deepEqual(restored, { dn: BOB, previous: 'overquota', status: 'active', restored: true });
    assert.deepEqual(dns('(mailUserStatus=overquota)'), []);
    assert.deepEqual(dns('(mailUserStatus=active)'), [
      ALICE,
      BOB,
      'uid=carol,ou=People,o=siroe.example',
      'uid=dave,ou=People,o=siroe.example',
    ]);
  });

  test('the spec status is what restore gives back, even when it was not active', () => {
    const spec = defaultWorld();
    spec.users.find((u) => u.uid === 'carol')!.status = 'inactive';
    const tree = new DirectoryTree(buildDirectoryEntries(spec, SERVICE));
    const editor = new UserStatusEditor(tree);
    editor.set('carol@siroe.example', 'disabled');
    editor.set('carol@siroe.example', 'hold');
    assert.equal(editor.set('carol@siroe.example', undefined).status, 'inactive');
  });

  test('an alternate address names its owner; unknown people, groups and statuses are refused', () => {
    const { editor, dns } = fresh();
    assert.equal(editor.set('postmaster@siroe.example', 'inactive').dn, ALICE);
    assert.deepEqual(dns('(mailUserStatus=inactive)'), [ALICE]);
    assert.throws(() => editor.set('nobody@siroe.example', 'hold'), /no mail user nobody@siroe\.example/);
    assert.throws(() => editor.set('staff@siroe.example', 'hold'), /no mail user staff@/, 'a group has no status');
    assert.throws(() => editor.set('bob@siroe.example', 'sleeping'), /unknown mailUserStatus "sleeping"/);
    assert.throws(() => editor.set('  ', 'hold'), /no user given/);
    assert.deepEqual(dns('(mailUserStatus=sleeping)'), []);
  });
});

describe('LDAP modify of mailUserStatus (plain logic)', () => {
  const service = (tree: DirectoryTree) => tree.normalize(SERVICE.dn);
  const input = (tree: DirectoryTree, more: Partial<ModifyInput>): ModifyInput => ({
    dn: BOB,
    changes: [{ operation: 'replace', type: 'mailUserStatus', values: ['hold'] }],
    boundNormDn: service(tree),
    serviceNormDn: service(tree),
    ...more,
  });

  test('the service account may replace and delete (restore) it; the index follows', () => {
    const { tree, editor, dns } = fresh();
    assert.equal(runModify(tree, editor, input(tree, {})).status, ResultCode.success);
    assert.deepEqual(dns('(mailUserStatus=hold)'), [BOB]);
    const del = input(tree, { changes: [{ operation: 'delete', type: 'MAILUSERSTATUS', values: [] }] });
    assert.equal(runModify(tree, editor, del).status, ResultCode.success);
    assert.deepEqual(dns('(mailUserStatus=hold)'), []);
    assert.deepEqual(statusOf(tree, BOB), ['active']);
  });

  test('anyone else, any other attribute, unknown values and unknown entries are refused', () => {
    const { tree, editor, dns } = fresh();
    const refused = [
      [input(tree, { boundNormDn: undefined }), ResultCode.insufficientAccessRights],
      [input(tree, { boundNormDn: tree.normalize(BOB) }), ResultCode.insufficientAccessRights],
      [
        input(tree, { changes: [{ operation: 'replace', type: 'mailHost', values: ['x'] }] }),
        ResultCode.unwillingToPerform,
      ],
      [
        input(tree, { changes: [{ operation: 'replace', type: 'mailUserStatus', values: ['gone'] }] }),
        ResultCode.unwillingToPerform,
      ],
      [
        input(tree, { changes: [{ operation: 'add', type: 'mailUserStatus', values: ['hold'] }] }),
        ResultCode.unwillingToPerform,
      ],
      [input(tree, { dn: 'cn=staff,ou=Groups,o=siroe.example' }), ResultCode.unwillingToPerform],
      [input(tree, { dn: 'uid=eve,ou=People,o=siroe.example' }), ResultCode.noSuchObject],
      [input(tree, { dn: 'not a dn' }), ResultCode.invalidDnSyntax],
    ] as const;
    for (const [request, status] of refused) {
      assert.equal(runModify(tree, editor, request).status, status, JSON.stringify(request.changes) + request.dn);
    }
    assert.deepEqual(dns('(mailUserStatus=active)').length, 4, 'nothing changed');
  });
});

describe('what each mailUserStatus means to the MTA', () => {
  const rcpt = (status: string | undefined) => {
    const v = rcptVerdict(status, 'bob@siroe.example');
    return v.kind === 'accept' ? 'accept' : `${v.error.code} ${v.error.enhanced} ${v.error.publicText}`;
  };
  const deliver = (status: string | undefined) => {
    const v: DeliveryVerdict = deliveryVerdict(status, 'bob@siroe.example', 'bob');
    return v.kind === 'deliver'
      ? 'deliver'
      : `${v.kind}${'hold' in v && v.hold ? ' (hold)' : ''} ${v.error.code} ${v.error.enhanced} ${v.error.publicText}`;
  };

  test('RCPT replies', () => {
    assert.equal(rcpt(undefined), 'accept');
    assert.equal(rcpt('active'), 'accept');
    assert.equal(rcpt('hold'), 'accept');
    assert.equal(rcpt('inactive'), '450 4.2.1 <bob@siroe.example>: mailbox temporarily unavailable');
    assert.equal(rcpt('Disabled'), '550 5.2.1 <bob@siroe.example>: mailbox disabled');
    assert.equal(rcpt('removed'), '550 5.2.1 <bob@siroe.example>: mailbox disabled');
    assert.equal(rcpt('deleted'), '550 5.2.1 <bob@siroe.example>: mailbox disabled');
    assert.equal(rcpt('overquota'), '452 4.2.2 <bob@siroe.example>: mailbox full');
  });

  test('delivery-time decisions', () => {
    assert.equal(deliver('active'), 'deliver');
    assert.equal(deliver('inactive'), 'defer 450 4.2.1 <bob@siroe.example>: mailbox temporarily unavailable');
    assert.equal(deliver('disabled'), 'fail 550 5.2.1 <bob@siroe.example>: mailbox disabled');
    assert.equal(deliver('removed'), 'fail 550 5.2.1 <bob@siroe.example>: mailbox disabled');
    assert.equal(deliver('hold'), 'defer (hold) 450 4.2.1 held for bob (mailUserStatus hold)');
    assert.equal(deliver('overquota'), 'defer 452 4.2.2 <bob@siroe.example>: mailbox full');
  });

  test('mailbox access (login) is for active and overquota users only', () => {
    assert.deepEqual(
      ['active', 'overquota', 'inactive', 'disabled', 'removed', 'hold', undefined].map(mayAccessMailbox),
      [true, true, false, false, false, false, true],
    );
  });
});
