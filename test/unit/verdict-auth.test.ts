import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LabResolver } from '../../server/dns/resolver.js';
import { addressOfPtrName, mailauthResolver } from '../../server/verdict/dns-adapter.js';
import { FakeResolver, cleanMessage, field, judgeWith } from './verdict-fixture.js';

const INBOUND = { ip: '127.0.0.1', helo: 'mx.example.com', mailFrom: 'erin@example.com' };

function dnsWith(spf: string, dmarc?: string): FakeResolver {
  const dns = new FakeResolver({ 'example.com': { TXT: [[spf]], A: ['127.0.0.1'] } });
  if (dmarc) dns.set('_dmarc.example.com', { TXT: [[dmarc]] });
  return dns;
}

const judgeAuth = (resolver: LabResolver, settings = {}, threshold = 5) =>
  judgeWith(cleanMessage(), { resolver, settings, threshold, input: { connection: INBOUND } });

describe('SPF / DKIM / DMARC through the lab resolver', () => {
  test('SPF pass: the client IP is in the record; Authentication-Results and Received-SPF are added', async () => {
    const dns = dnsWith('v=spf1 ip4:127.0.0.1 -all');
    const v = await judgeAuth(dns);
    assert.equal(v.auth?.spf, 'pass');
    assert.equal(v.auth?.dkim, 'none');
    assert.equal(v.auth?.dmarc, 'none');
    assert.equal(v.action, 'deliver');
    assert.deepEqual(v.reasons, []);
    const ar = field(v.headerFields, 'Authentication-Results') ?? '';
    assert.match(ar, /^mta\.siroe\.example; /);
    assert.match(ar, /spf=pass .*smtp\.mailfrom=erin@example\.com/);
    assert.match(ar, /dkim=none/);
    assert.match(field(v.headerFields, 'Received-SPF') ?? '', /^pass /);
    // Every lookup went through the seam, attributed to the MTA and the message, with a reason.
    const spfQuestion = dns.asked.find((q) => q.name === 'example.com' && q.type === 'TXT');
    assert.deepEqual(spfQuestion?.context, {
      callerNode: 'mta.siroe.example',
      traceId: 'msg_test',
      spanId: 'msg_test',
      purpose: 'SPF record of example.com',
    });
    assert.ok(dns.asked.some((q) => q.context.purpose === 'DMARC policy of example.com'));
  });

  test('SPF fail (-all) and softfail (~all) for a client outside the record', async () => {
    const fail = await judgeAuth(dnsWith('v=spf1 ip4:192.0.2.1 -all'), { authFailAction: 'deliver' });
    assert.equal(fail.auth?.spf, 'fail');
    assert.deepEqual(fail.reasons, ['SPF_FAIL']);
    assert.equal(fail.score, 2);
    assert.match(field(fail.headerFields, 'Authentication-Results') ?? '', /spf=fail/);

    const soft = await judgeAuth(dnsWith('v=spf1 ip4:192.0.2.1 ~all'));
    assert.equal(soft.auth?.spf, 'softfail');
    assert.deepEqual(soft.reasons, ['SPF_SOFTFAIL']);
    assert.equal(soft.action, 'deliver', 'softfail is a clue, not a failure');
  });

  test('SPF fail without DMARC is an authentication failure: authFailAction applies', async () => {
    const dns = dnsWith('v=spf1 ip4:192.0.2.1 -all');
    assert.equal((await judgeAuth(dns)).action, 'junk', 'lab default authFailAction');
    const rejected = await judgeAuth(dns, { authFailAction: 'reject' });
    assert.equal(rejected.action, 'reject');
    assert.equal(rejected.refusal?.code, 550);
    assert.equal(rejected.refusal?.enhanced, '5.7.23');
  });

  test('DMARC p=reject and a failing message: refused with 550 5.7.26 when authFailAction is reject', async () => {
    const dns = dnsWith('v=spf1 ip4:192.0.2.1 -all', 'v=DMARC1; p=reject');
    const v = await judgeAuth(dns, { authFailAction: 'reject' });
    assert.equal(v.auth?.dmarc, 'fail');
    assert.equal(v.auth?.summary, 'spf=fail dkim=none dmarc=fail (p=reject)');
    assert.deepEqual(v.reasons, ['SPF_FAIL', 'DMARC_FAIL']);
    assert.equal(v.action, 'reject');
    assert.equal(v.refusal?.code, 550);
    assert.equal(v.refusal?.enhanced, '5.7.26');
    assert.match(v.refusal?.publicText ?? '', /DMARC fail for example\.com \(p=reject\)/);
    // Other site settings: the same failure is filed or held, not refused.
    assert.equal((await judgeAuth(dns, { authFailAction: 'junk' })).action, 'junk');
    assert.equal(
      (await judgeAuth(dns, { authFailAction: 'hold' })).hold?.reason,
      'DMARC fail for example.com (p=reject)',
    );
  });

  test('a configured reject follows a softer DMARC policy: quarantine → junk, none → tag', async () => {
    const quarantine = dnsWith('v=spf1 ip4:192.0.2.1 -all', 'v=DMARC1; p=quarantine');
    assert.equal((await judgeAuth(quarantine, { authFailAction: 'reject' })).action, 'junk');
    const none = dnsWith('v=spf1 ip4:192.0.2.1 -all', 'v=DMARC1; p=none');
    // Threshold above SPF_FAIL + DMARC_FAIL (5), so the spam action does not take over.
    const v = await judgeAuth(none, { authFailAction: 'reject' }, 10);
    assert.equal(v.action, 'tag');
    assert.equal(field(v.headerFields, 'X-Mailscope-Verdict'), 'tag');
  });

  test('DMARC pass through SPF alignment: delivered even with p=reject', async () => {
    const v = await judgeAuth(dnsWith('v=spf1 ip4:127.0.0.1 -all', 'v=DMARC1; p=reject'), { authFailAction: 'reject' });
    assert.equal(v.auth?.dmarc, 'pass');
    assert.equal(v.action, 'deliver');
  });

  test('no DNS answer in time is temperror, never a hang or a refusal', async () => {
    const silent: LabResolver = {
      resolveTxt: () => new Promise(() => {}),
      resolveA: () => new Promise(() => {}),
      resolveMx: () => new Promise(() => {}),
      reverse: () => new Promise(() => {}),
    };
    const v = await judgeWith(cleanMessage(), {
      resolver: silent,
      settings: { authFailAction: 'reject' },
      authTimeoutMs: 200,
      input: { connection: INBOUND },
    });
    assert.equal(v.auth?.spf, 'temperror');
    assert.equal(v.action, 'deliver');
    assert.match(field(v.headerFields, 'Authentication-Results') ?? '', /spf=temperror/);
  });

  test('authenticated submission skips SPF/DMARC and records auth=pass', async () => {
    const dns = dnsWith('v=spf1 ip4:192.0.2.1 -all', 'v=DMARC1; p=reject');
    const v = await judgeWith(cleanMessage(), {
      resolver: dns,
      settings: { authFailAction: 'reject' },
      input: { connection: INBOUND, authenticatedUser: 'alice' },
    });
    assert.equal(v.action, 'deliver');
    assert.equal(dns.asked.length, 0);
    assert.match(field(v.headerFields, 'Authentication-Results') ?? '', /auth=pass smtp\.auth=alice/);
  });

  test('the adapter speaks node:dns: MX objects, PTR by name, AAAA absent, codes kept', async () => {
    const dns = new FakeResolver({
      'example.com': { MX: [{ exchange: 'mx.example.com', priority: 10 }] },
      '127.0.0.1': { PTR: ['localhost.example'] },
    });
    const resolve = mailauthResolver(dns, { callerNode: 'mta' });
    assert.deepEqual(await resolve('example.com', 'MX'), [{ exchange: 'mx.example.com', priority: 10 }]);
    assert.deepEqual(await resolve('1.0.0.127.in-addr.arpa', 'PTR'), ['localhost.example']);
    await assert.rejects(resolve('example.com', 'AAAA'), { code: 'ENODATA' });
    await assert.rejects(resolve('nowhere.example', 'TXT'), { code: 'ENOTFOUND' });
    assert.equal(addressOfPtrName(`${'0.'.repeat(31)}1.ip6.arpa`), '1000:0000:0000:0000:0000:0000:0000:0000');
    assert.equal(addressOfPtrName('example.com'), undefined);
  });
});
