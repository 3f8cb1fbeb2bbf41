import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { createWorld } from '../../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../../server/world/load-spec.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

const root = new URL('../..', import.meta.url).pathname;
const recipients = ['alice@siroe.example', 'bob@siroe.example', 'carol@siroe.example'];

/** Start `mailscope serve` as a child and read the inbound SMTP port from its table. */
async function startServeProcess(dataDir: string, worldFile: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli/main.ts', 'serve', '--data-dir', dataDir, '--world', worldFile],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  let smtpPort = 0;
  for await (const line of lines) {
    const m = /mta\.siroe\.example\s+smtp\s+127\.0\.0\.1:(\d+)/.exec(line);
    if (m) smtpPort = Number(m[1]);
    if (line.startsWith('ready http://127.0.0.1:')) break;
  }
  assert.ok(smtpPort > 0, 'serve printed the SMTP port');
  return { child, smtpPort };
}

test('kill -9 and restart: every message that got 250 is delivered exactly once', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-crash-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const spec = withEphemeralPorts(loadWorldSpec());
  const worldFile = join(dataDir, 'world.yaml');
  writeFileSync(worldFile, stringify(spec));

  const { child, smtpPort } = await startServeProcess(dataDir, worldFile);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const acked = new Map<string, string>(); // Message-ID → recipient
  let killed = false;
  const sender = async (worker: number) => {
    const talk = await SmtpTalk.open(smtpPort);
    try {
      await talk.reply();
      await talk.send('EHLO crash.example');
      for (let n = 0; !killed; n++) {
        const messageId = `<crash.${worker}.${n}@example.com>`;
        const rcpt = recipients[(worker + n) % recipients.length]!;
        if (!(await talk.send('MAIL FROM:<erin@example.com>')).startsWith('250')) return;
        if (!(await talk.send(`RCPT TO:<${rcpt}>`)).startsWith('250')) return;
        if (!(await talk.send('DATA')).startsWith('354')) return;
        talk.write(`Message-ID: ${messageId}\r\nSubject: crash ${worker}.${n}\r\n\r\nbody\r\n.\r\n`);
        const reply = await Promise.race([talk.reply(), talk.closed.then(() => 'closed')]);
        if (!reply.startsWith('250')) return;
        acked.set(messageId, rcpt);
        if (acked.size === 150 && !killed) {
          // Mid-stream: other sessions are between DATA and 250, deliveries are in flight.
          killed = true;
          child.kill('SIGKILL');
        }
      }
    } catch {
      // The connection dies with the process: expected.
    } finally {
      talk.close();
    }
  };
  await Promise.all([0, 1, 2, 3, 4, 5].map(sender));
  await exited;
  assert.ok(acked.size >= 150);

  // Restart on the same data dir, in process this time, and let the queue drain.
  const world = await createWorld(spec, { dataDir });
  t.after(() => world.stop());
  const remaining = () => world.queue.list().filter((m) => m.status !== 'done').length;
  let redelivered = 0;
  world.tracer.subscribe((e) => {
    if (e.kind === 'mailbox.stored' && e.data.duplicate) redelivered++;
  });
  t.diagnostic(`${acked.size} messages acknowledged before kill -9; ${remaining()} still queued at restart`);
  if (remaining() > 0) {
    await new Promise<void>((resolve) => {
      const stop = world.tracer.subscribe((e) => {
        if (e.kind === 'message.dequeued' && remaining() === 0) {
          stop();
          resolve();
        }
      });
    });
  }
  const storeOf = (rcpt: string) =>
    world.stores.get(rcpt.startsWith('alice') ? 'mailboxa.siroe.example' : 'mailboxb.siroe.example')!.store;
  const counts = new Map<string, number>();
  for (const rcpt of recipients) {
    for (const m of storeOf(rcpt).listMessages(rcpt, 'INBOX')) {
      if (m.messageId) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    }
  }
  for (const [messageId] of acked) assert.equal(counts.get(messageId), 1, `${messageId} delivered exactly once`);
  for (const [messageId, n] of counts) assert.equal(n, 1, `${messageId} not duplicated`);
  t.diagnostic(`${redelivered} deliveries repeated after the restart were recognised as duplicates`);
});
