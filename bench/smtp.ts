import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../server/cli/args.js';
import { createWorld } from '../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../server/world/load-spec.js';

/**
 * Where the time goes (measured with --cpu-prof, 2 cores). Without a content filter:
 * ~430 messages/s with a new connection per message, the main thread busy ~90% at
 * ~2 ms per message — SMTP and LMTP protocol work and their socket writes ~20%, queue
 * ~12%, LDAP client ~11%, store ~8%, trace ~6%, fsync dispatch ~5%; all threads
 * together ~3.4 ms of CPU per message, so on 2 cores more threads cannot pass ~570/s.
 * Every inbound message now also goes through the verdict step (rules, EICAR, SPF and
 * DMARC): with its SPF/DMARC reuse and its single-part fast path it costs ~10% of the
 * main thread (337–371/s new connections, 670–720/s persistent). Reaching 1,000/s
 * needs the per-message CPU itself halved; socket writes (the syscalls) and the queue
 * are now the largest shares.
 *
 * The end-to-end SMTP benchmark of the issue: 20 concurrent sessions, 4 KiB messages,
 * 20,000 messages, counted as delivered only when stored in the recipient's mailbox
 * (mailbox.stored), each one fsync'd in the queue before its 250. Run twice: a new
 * connection per message (as Postfix's smtp-source does by default) and persistent
 * sessions.
 */
export async function benchSmtp(argv: string[]): Promise<void> {
  const { options } = parseOptions(argv, ['messages', 'sessions', 'size', 'mode']);
  const messages = Number(options.messages ?? 20_000);
  const sessions = Number(options.sessions ?? 20);
  const sizeBytes = Number(options.size ?? 4096);
  const modes = options.mode ? [options.mode] : ['new', 'persistent'];
  console.log(
    `smtp bench: ${messages} messages of ${sizeBytes} B, ${sessions} sessions, end to end (accepted + stored)`,
  );
  for (const mode of modes) {
    const rate = await runOnce(messages, sessions, sizeBytes, mode);
    console.log(
      `  ${mode === 'new' ? 'new connection per message' : 'persistent sessions       '}: ` +
        `${rate.endToEnd.toFixed(0)} messages/s end to end (${rate.accept.toFixed(0)}/s accepted, ${rate.seconds.toFixed(2)} s)`,
    );
  }
}

async function runOnce(messages: number, sessions: number, sizeBytes: number, mode: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-bench-'));
  const world = await createWorld(withEphemeralPorts(loadWorldSpec()), { dataDir });
  try {
    let stored = 0;
    let allStored: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allStored = resolve));
    world.tracer.subscribe((event) => {
      if (event.kind === 'mailbox.stored' && ++stored === messages) allStored();
    });
    const started = performance.now();
    const load = await runLoad(world.portOf('mta', 'smtp'), messages, sessions, sizeBytes, mode);
    await done;
    const seconds = (performance.now() - started) / 1000;
    return { endToEnd: messages / seconds, accept: messages / load.seconds, seconds };
  } finally {
    await world.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function runLoad(port: number, messages: number, sessions: number, sizeBytes: number, mode: string) {
  const script = new URL('./smtp-source.ts', import.meta.url).pathname;
  const rcpts = 'alice@siroe.example,bob@siroe.example,carol@siroe.example';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, String(port), String(messages), String(sessions), String(sizeBytes), mode, rcpts],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<{ sent: number; seconds: number }>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as { sent: number; seconds: number });
      else reject(new Error(`load generator exited with ${code}`));
    });
  });
}
