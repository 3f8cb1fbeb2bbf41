import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabResolver } from '../../server/dns/resolver.js';
import { AuthCache } from '../../server/verdict/auth-cache.js';
import type { AuthOutcome } from '../../server/verdict/types.js';

function resolverWithGeneration(): LabResolver & { generation: number } {
  const fail = () => Promise.reject(new Error('not used'));
  return { generation: 0, resolveMx: fail, resolveA: fail, resolveTxt: fail, reverse: fail };
}

const outcome = (spf: string): AuthOutcome => ({
  spf,
  dkim: 'none',
  dmarc: 'pass',
  dkimSigned: false,
  summary: `spf=${spf}`,
  headerFields: [],
});

const connection = { ip: '127.0.0.1', helo: 'mx1.example.com', mailFrom: 'erin@example.com' };
const unsigned = Buffer.from('From: Erin <erin@example.com>\r\nSubject: hi\r\n\r\nbody\r\n');

test('unsigned mail with the same connection, sender and From reuses the result', () => {
  let now = 0;
  const resolver = resolverWithGeneration();
  const cache = new AuthCache(resolver, () => now);
  const key = cache.keyOf(unsigned, connection)!;
  assert.equal(cache.get(key), undefined);
  cache.set(key, outcome('pass'));
  assert.equal(cache.get(cache.keyOf(unsigned, connection)!)?.spf, 'pass');
  assert.notEqual(cache.keyOf(unsigned, { ...connection, ip: '192.0.2.1' }), key, 'another client IP is another check');
  assert.notEqual(
    cache.keyOf(Buffer.from('From: boss@bank.example\r\n\r\nx'), connection),
    key,
    'another header From is another DMARC check',
  );
  now += 61_000;
  assert.equal(cache.get(key), undefined, 'a minute later it is checked again');
});

test('a DKIM-signed message is always checked; a DNS change or a temperror is never reused', () => {
  const resolver = resolverWithGeneration();
  const cache = new AuthCache(resolver, () => 0);
  const signed = Buffer.concat([Buffer.from('DKIM-Signature: v=1; d=example.com; s=lab; b=x\r\n'), unsigned]);
  assert.equal(cache.keyOf(signed, connection), undefined);
  const key = cache.keyOf(unsigned, connection)!;
  cache.set(key, outcome('pass'));
  resolver.generation += 1; // a fault switch emptied the resolver's cache
  assert.equal(cache.get(key), undefined);
  cache.set(key, outcome('temperror'));
  assert.equal(cache.get(key), undefined);
});
