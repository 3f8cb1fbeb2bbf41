#!/usr/bin/env node
// Runs every test with node:test through tsx, from an explicit list of files.
// Why not `node --test 'test/**/*.test.ts'`: on Node 20 a glob of .ts files can
// silently match nothing and exit 0. Here an empty run is a failure.
//
//   npm test                      every test (unit, protocol, scenarios, e2e)
//   npm test -- test/protocol     only files under these paths
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test'];

function collect(path, out) {
  const stat = statSync(path);
  if (stat.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    collect(join(path, name), out);
  }
  return out;
}

const files = roots.flatMap((r) => collect(join(root, r), [])).map((f) => relative(root, f));
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(', ')}`);
  process.exit(1);
}

const tapFile = join(mkdtempSync(join(tmpdir(), 'mailscope-test-')), 'report.tap');
const args = [
  '--import',
  'tsx',
  '--test',
  // A hung test fails (as "cancelled") instead of hanging the whole run.
  '--test-timeout=120000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  const tap = readFileSync(tapFile, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  // A test that timed out is "cancelled" by node: it counts as failed here.
  const [tests, pass, skipped] = [count('tests'), count('pass'), count('skipped')];
  const fail = count('fail') + count('cancelled');
  console.log(`\n${files.length} test files`);
  console.log(`${pass} passed, ${fail} failed, ${skipped} skipped`);
  if (tests === 0) {
    console.error('no tests ran: treating this as a failure');
    process.exit(1);
  }
  process.exit(signal ? 1 : (code ?? 1));
});
