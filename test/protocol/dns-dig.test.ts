// The lab DNS server asked by dig (BIND's client), when it is installed: what a
// student types in class must work. dig runs as a child process, asynchronously, so
// the server in this process keeps answering while it waits.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startTestDns } from './dns-fixture.js';

const run = promisify(execFile);
const hasDig = spawnSync('dig', ['-v'], { stdio: 'ignore' }).status === 0;
const skip = hasDig ? false : 'dig is not installed (apt-get install dnsutils)';

async function dig(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args]);
  return stdout;
}

test('dig example.com MX: two MX records, authoritative, no recursion', { skip }, async (t) => {
  const { port } = await startTestDns(t);
  const out = await dig(port, 'example.com', 'MX');
  assert.match(out, /status: NOERROR/);
  assert.match(out, /flags: qr aa rd;/, 'aa set, ra not set');
  assert.match(out, /example\.com\.\s+300\s+IN\s+MX\s+10 mx1\.example\.com\./);
  assert.match(out, /example\.com\.\s+300\s+IN\s+MX\s+20 mx2\.example\.com\./);
  assert.match(out, /udp: 1232/, 'our OPT record');
  const short = await dig(port, '+short', 'example.com', 'MX');
  assert.deepEqual(short.trim().split('\n').sort(), ['10 mx1.example.com.', '20 mx2.example.com.']);
});

test('dig -x, NXDOMAIN with SOA, REFUSED, and the TCP retry on TC', { skip }, async (t) => {
  const { port } = await startTestDns(t);
  const reverse = await dig(port, '+short', '-x', '127.0.0.2');
  assert.equal(reverse.trim(), 'mx2.example.com.');
  const nx = await dig(port, 'nobody.example.com', 'A');
  assert.match(nx, /status: NXDOMAIN/);
  assert.match(
    nx,
    /AUTHORITY SECTION:\nexample\.com\.\s+300\s+IN\s+SOA\s+ns\.test\. hostmaster\.test\. 1 3600 600 86400 300/,
  );
  assert.match(await dig(port, 'google.com', 'A'), /status: REFUSED/);
  const big = await dig(port, '+noedns', 'big.example.com', 'TXT');
  assert.match(big, /Truncated, retrying in TCP mode/);
  assert.match(big, /\(TCP\)/);
  assert.match(big, /ANSWER: 1,/);
});
