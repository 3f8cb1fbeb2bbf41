import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addressesOf,
  isNullMx,
  noAddressStop,
  normalizeHost,
  orderMx,
  planMx,
} from '../../server/mta/delivery/mx-plan.js';
import { FakeResolver } from '../protocol/smtp-channel-fixture.js';

const trace = { callerNode: 'smarthost.siroe.example', traceId: 'msg_1', spanId: 'q1.d1' };

describe('orderMx', () => {
  test('lowest preference first, equal preferences by name, duplicates once at their best', () => {
    const ordered = orderMx([
      { exchange: 'mx9.example.com', priority: 30 },
      { exchange: 'MXB.example.com.', priority: 10 },
      { exchange: 'mxa.example.com', priority: 10 },
      { exchange: 'mx9.example.com', priority: 5 },
      { exchange: 'backup.example.com', priority: 20 },
    ]);
    assert.deepEqual(
      ordered.map((c) => [c.host, c.preference, c.implicit]),
      [
        ['mx9.example.com', 5, false],
        ['mxa.example.com', 10, false],
        ['mxb.example.com', 10, false],
        ['backup.example.com', 20, false],
      ],
    );
  });

  test('null targets are dropped', () => {
    assert.deepEqual(
      orderMx([
        { exchange: '.', priority: 0 },
        { exchange: 'mx1.example.com', priority: 10 },
      ]).map((c) => c.host),
      ['mx1.example.com'],
    );
  });
});

test('isNullMx: only when "." (or "") is the sole target', () => {
  assert.equal(isNullMx([{ exchange: '', priority: 0 }]), true);
  assert.equal(isNullMx([{ exchange: '.', priority: 0 }]), true);
  assert.equal(isNullMx([]), false);
  assert.equal(
    isNullMx([
      { exchange: '.', priority: 0 },
      { exchange: 'mx.example.com', priority: 10 },
    ]),
    false,
  );
  assert.equal(normalizeHost(' MX1.Example.COM. '), 'mx1.example.com');
});

describe('planMx', () => {
  test('MX records: hosts in order, and the query is attributed to the caller', async () => {
    const resolver = new FakeResolver({
      mx: {
        'example.com': [
          { exchange: 'mx2.example.com', priority: 20 },
          { exchange: 'mx1.example.com', priority: 10 },
        ],
      },
    });
    const plan = await planMx('Example.COM', resolver, trace);
    assert.deepEqual(plan, {
      kind: 'hosts',
      hosts: [
        { host: 'mx1.example.com', preference: 10, implicit: false },
        { host: 'mx2.example.com', preference: 20, implicit: false },
      ],
    });
    assert.deepEqual(resolver.queries[0], {
      type: 'MX',
      name: 'example.com',
      context: { ...trace, purpose: 'MX for example.com' },
    });
  });

  test('ENODATA or an empty answer: implicit MX, the domain itself', async () => {
    const implicit = { kind: 'hosts', hosts: [{ host: 'example.net', implicit: true }] };
    assert.deepEqual(
      await planMx('example.net', new FakeResolver({ a: { 'example.net': ['127.0.0.1'] } }), trace),
      implicit,
    );
    assert.deepEqual(await planMx('example.net', new FakeResolver({ mx: { 'example.net': [] } }), trace), implicit);
  });

  test('NXDOMAIN fails, null MX fails, SERVFAIL and timeouts defer', async () => {
    const cases: Array<[ConstructorParameters<typeof FakeResolver>[0], string, number, string]> = [
      [{}, 'failed', 550, '5.1.2'],
      [{ mx: { 'd.example': [{ exchange: '.', priority: 0 }] } }, 'failed', 556, '5.1.10'],
      [{ mx: { 'd.example': 'ESERVFAIL' } }, 'deferred', 451, '4.4.3'],
      [{ mx: { 'd.example': 'ETIMEOUT' } }, 'deferred', 451, '4.4.3'],
      [{ mx: { 'd.example': 'EREFUSED' } }, 'deferred', 451, '4.4.3'],
    ];
    for (const [zone, status, code, enhanced] of cases) {
      const plan = await planMx('d.example', new FakeResolver(zone), trace);
      assert.equal(plan.kind, 'stop', JSON.stringify(zone));
      if (plan.kind !== 'stop') continue;
      assert.deepEqual([plan.status, plan.code, plan.enhanced], [status, code, enhanced], JSON.stringify(zone));
    }
  });
});

describe('addresses of a host', () => {
  test('A records, or why there are none', async () => {
    const resolver = new FakeResolver({
      a: { 'mx1.example.com': ['127.0.0.1'], 'mx2.example.com': 'ESERVFAIL', 'mx3.example.com': [] },
    });
    assert.deepEqual(await addressesOf('mx1.example.com', resolver, trace), {
      kind: 'addresses',
      addresses: ['127.0.0.1'],
    });
    assert.deepEqual(await addressesOf('mx2.example.com', resolver, trace), {
      kind: 'none',
      reason: 'A lookup: SERVFAIL',
      negative: false,
    });
    assert.deepEqual(await addressesOf('mx3.example.com', resolver, trace), {
      kind: 'none',
      reason: 'no A record',
      negative: true,
    });
    assert.deepEqual(await addressesOf('gone.example.com', resolver, trace), {
      kind: 'none',
      reason: 'A lookup: NXDOMAIN',
      negative: true,
    });
    assert.equal(resolver.queries[0]!.context.purpose, 'A for mx1.example.com');
  });

  test('an implicit MX without an address ends the delivery; an MX host is merely skipped', () => {
    const missing = { kind: 'none', reason: 'A lookup: NXDOMAIN', negative: true } as const;
    const failing = { kind: 'none', reason: 'A lookup: SERVFAIL', negative: false } as const;
    const implicit = { host: 'example.net', implicit: true };
    assert.deepEqual(noAddressStop(implicit, missing)?.code, 550);
    assert.deepEqual(noAddressStop(implicit, missing)?.enhanced, '5.4.4');
    assert.deepEqual(noAddressStop(implicit, failing)?.status, 'deferred');
    assert.equal(noAddressStop({ host: 'mx1.example.com', preference: 10, implicit: false }, missing), undefined);
  });
});
