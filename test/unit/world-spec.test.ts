import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadWorldSpec, parseWorldSpec } from '../../server/world/load-spec.js';
import { WorldSpecError } from '../../server/world/spec-schema.js';

test('the default world is valid and is the one of the external contract', () => {
  const spec = loadWorldSpec();
  assert.equal(spec.site.domain, 'siroe.example');
  const port = (protocol: string, role: string) =>
    spec.hosts.find((h) => h.role === role)?.services.find((s) => s.protocol === protocol)?.port;
  assert.equal(port('smtp', 'mta'), 2525);
  assert.equal(port('submission', 'mta'), 2587);
  assert.equal(port('imap', 'mmp'), 1143);
  assert.equal(port('pop3', 'mmp'), 1110);
  assert.equal(port('ldap', 'directory'), 1389);
  assert.equal(port('dns', 'dns'), 1053);
  assert.equal(port('http', 'web'), 8025);
  assert.equal(spec.users.find((u) => u.uid === 'bob')?.mailHost, 'mailboxb.siroe.example');
  assert.ok(spec.users.find((u) => u.uid === 'alice')?.alternateAddresses?.includes('postmaster@siroe.example'));
  assert.deepEqual(spec.groups[0]?.members.length, 3);
  const exampleCom = spec.dns.zones.find((z) => z.origin === 'example.com');
  assert.deepEqual(
    exampleCom?.records.filter((r) => r.type === 'MX').map((r) => r.priority),
    [10, 20],
  );
});

test('bad YAML gives a clear error, not a crash', () => {
  assert.throws(
    () => parseWorldSpec('name: [unclosed', 'broken.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof WorldSpecError);
      assert.match(err.message, /broken\.yaml: not valid YAML/);
      return true;
    },
  );
});

test('cross-checks name the wrong entry', () => {
  const text = `
name: tiny
site: { domain: tiny.example, baseDn: o=tiny.example, domains: [{ name: tiny.example, host: mta.tiny.example }] }
hosts:
  - { name: mta.tiny.example, role: mta, services: [{ protocol: smtp, port: 2525 }] }
  - { name: ldap.tiny.example, role: directory, services: [{ protocol: ldap, port: 2525 }] }
users:
  - { uid: zed, cn: Zed, mail: zed@tiny.example, mailHost: nowhere.tiny.example }
settings: { bindAddress: 127.0.0.1, greetingDelayMs: 0, reverseLookup: false, maxMessageSizeBytes: 100000,
  maxRecipients: 10, retryScheduleMinutes: [1], spamThreshold: 5 }
`;
  assert.throws(
    () => parseWorldSpec(text, 'tiny.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof WorldSpecError);
      assert.match(err.message, /port 2525 is already used/);
      assert.match(err.message, /users\.zed: mailHost nowhere\.tiny\.example is not a store/);
      return true;
    },
  );
});

test('unknown keys are refused (a typo must not be silently ignored)', () => {
  const spec = loadWorldSpec();
  assert.throws(() => parseWorldSpec(JSON.stringify({ ...spec, setings: {} })), /Unrecognized key/);
});
