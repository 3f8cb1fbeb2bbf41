import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { WebSocket } from 'ws';
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
    [
      '--import',
      'tsx',
      'server/cli/main.ts',
      'serve',
      '--data-dir',
      dataDir,
      '--world',
      worldFile,
      '--clock',
      'scaled:600',
    ],
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
  for (const expected of [
    /mta\.siroe\.example\s+smtp\s+127\.0\.0\.1:\d+/,
    /mta\.siroe\.example\s+submission/,
    /ldap\.siroe\.example\s+ldap/,
    /web\.siroe\.example\s+http/,
  ]) {
    assert.ok(
      lines.some((l) => expected.test(l)),
      `table has ${expected}`,
    );
  }
  const url = new URL(readyUrl);
  const token = url.searchParams.get('token')!;
  assert.equal(readFileSync(join(dataDir, 'control-token'), 'utf8').trim(), token);

  const unauthorised = await fetch(new URL('/api/world', url.origin));
  assert.equal(unauthorised.status, 401);
  const world = (await (
    await fetch(new URL('/api/world', url.origin), { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    name: string;
    clock: { mode: string };
    hosts: Array<{ name: string; services: Array<{ protocol: string; port: number }> }>;
  };
  assert.equal(world.name, 'siroe.example');
  assert.equal(world.clock.mode, 'scaled:600');
  assert.ok(world.hosts.find((h) => h.name === 'mta.siroe.example')?.services.every((s) => s.port > 0));

  // A message through the running lab, then the API's view of it: queue, mailbox, trace.
  const smtpPort = Number(/mta\.siroe\.example\s+smtp\s+127\.0\.0\.1:(\d+)/.exec(lines.join('\n'))![1]);
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ from: 'erin@example.com', to: 'bob@siroe.example', subject: 'Via serve', text: 'hello' });
  const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;
  const api = async (path: string) => {
    const response = await fetch(new URL(path, url.origin), { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, path);
    return response.json() as Promise<unknown>;
  };
  // Wait for the delivery on the trace stream, as the UI would see it.
  const stream = new WebSocket(`ws://${url.host}/api/trace/stream?since=0&token=${token}`);
  await new Promise<void>((resolve, reject) => {
    stream.on('message', (data: Buffer) => {
      const events = JSON.parse(data.toString()) as Array<{ kind: string; traceId?: string }>;
      // message.dequeued: the queue has recorded the delivery too, not just the store.
      if (events.some((e) => e.kind === 'message.dequeued' && e.traceId === queueId)) resolve();
    });
    stream.on('error', reject);
  });
  stream.close();
  const inbox = (await api('/api/mailboxes/bob%40siroe.example/INBOX')) as Array<{
    uid: number;
    messageId: string;
    subject: string;
    from: string;
    size: number;
    flags: string[];
  }>;
  const listed = inbox.find((m) => m.subject === 'Via serve')!;
  assert.ok(listed.uid > 0 && listed.size > 0 && Array.isArray(listed.flags) && /^<.+>$/.test(listed.messageId));
  assert.ok(
    inbox.some((m) => m.subject === 'Via serve' && /erin@example\.com/.test(m.from)),
    'message listed in the mailbox',
  );
  const { message, history } = (await api(`/api/queue/${queueId}`)) as {
    message: { status: string; recipients: Array<{ address: string; status: string }> };
    history: Array<{ action: string }>;
  };
  assert.deepEqual(
    message.recipients.map((r) => [r.address, r.status]),
    [['bob@siroe.example', 'delivered']],
  );
  assert.deepEqual(
    history.map((h) => h.action),
    ['E', 'D'],
  );
  const trace = (await api('/api/trace?since=0&limit=10000')) as Array<{ seq: number; kind: string; traceId?: string }>;
  assert.ok(
    trace.every((e, i) => i === 0 || e.seq === trace[i - 1]!.seq + 1),
    'seq is gap-free',
  );
  assert.ok(trace.some((e) => e.kind === 'mailbox.stored' && e.traceId === queueId));

  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(existsSync(join(dataDir, 'control.json')), false, 'control.json removed on a clean stop');
});
