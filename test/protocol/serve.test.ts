import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { loadWorldSpec, withEphemeralPorts } from '../../server/world/load-spec.js';

const root = new URL('../..', import.meta.url).pathname;

test('serve prints the services and a ready URL, answers the API with the token, and stops on SIGTERM', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-serve-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const worldFile = join(dataDir, 'world.yaml');
  writeFileSync(worldFile, stringify(withEphemeralPorts(loadWorldSpec())));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli/main.ts', 'serve', '--data-dir', dataDir, '--world', worldFile, '--clock', 'scaled:600'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: string[] = [];
  let readyUrl = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    lines.push(line);
    if (line.startsWith('ready ')) {
      readyUrl = line.slice('ready '.length);
      break;
    }
  }
  assert.match(lines[0]!, /^service\s+host\s+protocol\s+listening on$/);
  for (const expected of [/mta\.siroe\.example\s+smtp\s+127\.0\.0\.1:\d+/, /mta\.siroe\.example\s+submission/, /ldap\.siroe\.example\s+ldap/, /web\.siroe\.example\s+http/]) {
    assert.ok(lines.some((l) => expected.test(l)), `table has ${expected}`);
  }
  const url = new URL(readyUrl);
  const token = url.searchParams.get('token')!;
  assert.equal(readFileSync(join(dataDir, 'control-token'), 'utf8').trim(), token);

  const unauthorised = await fetch(new URL('/api/world', url.origin));
  assert.equal(unauthorised.status, 401);
  const world = (await (await fetch(new URL('/api/world', url.origin), { headers: { authorization: `Bearer ${token}` } })).json()) as {
    name: string;
    clock: { mode: string };
    hosts: Array<{ name: string; services: Array<{ protocol: string; port: number }> }>;
  };
  assert.equal(world.name, 'siroe.example');
  assert.equal(world.clock.mode, 'scaled:600');
  assert.ok(world.hosts.find((h) => h.name === 'mta.siroe.example')?.services.every((s) => s.port > 0));

  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(existsSync(join(dataDir, 'control.json')), false, 'control.json removed on a clean stop');
});
