import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../server/cli/args.js';
import { createWorld } from '../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../server/world/load-spec.js';

/**
 * The end-to-end SMTP benchmark of the issue: 20 concurrent sessions, 4 KiB messages,
 * 20,000 messages, counted as delivered only when stored in the recipient's mailbox
 * (mailbox.stored), each one fsync'd in the queue before its 250. Run twice: a new
 * connection per message (as Postfix's smtp-source does by default) and persistent
 * sessions. Each run prints how many group commits the queue and the stores needed
 * and the CPU the world's process used per message (all its threads).
 *
 * Where the time goes (2 cores, new connection per message): the world spends 1.0–1.9
 * ms of CPU per message, depending on the machine's period, and our load generator
 * about 0.25 ms (Postfix's smtp-source, written in C, 0.16 ms), so the two cores are
 * nearly full. The machine's own speed drifts by a quarter within an hour: compare runs
 * made side by side (code a few percent apart measured 902/s and 1,241/s within one
 * session). By thread, with the world alone in its process and Postfix's smtp-source
 * sending 10,000 messages at ~1,490/s (from /proc/<pid>/task/<tid>/stat): the main
 * thread (queue, deliveries, LMTP both ways, stores, trace) ~0.37 ms, the site MTA's
 * listener thread (SMTP sessions, RCPT lookups, verdict) ~0.39 ms, V8's helper threads
 * (GC, compiler) ~0.10 ms, the directory thread ~0.09 ms, libuv's pool (the fsyncs)
 * ~0.03 ms, the trace writer ~0.02 ms. What moved the figure from 540/s to
 * 1,380–1,470/s (in a fast period): the listeners on their own thread, a 2 ms queue
 * commit window (half the commits and fsyncs), trace notices crossing threads as one
 * JSON text per loop turn (inside the next call when there is one) and persisted
 * without being parsed again, recent trace events kept as UTF-8 outside the JS heap (as
 * strings they were promoted and collected by the GC), two queue writes per message
 * instead of three, a small LDAP client of our own in place of a general library (the
 * one RCPT search per message, with its trace event, cost ~0.3 ms of CPU end to end,
 * measured by leaving it out), queue CHECK constraints that SQLite tests without
 * building a temporary b-tree, and time-ordered queue ids (their indexes take one page
 * write per commit, not one per message). The largest costs left: on the main thread
 * the SQLite work of queue and stores and the trace (~23 events, 5.4 KB per message);
 * on the listener thread the socket system calls (seven replies per inbound connection,
 * about thirty calls in all). More sessions hide more latency: 40 give about 11% more
 * than 20 (with 20, `perf` finds the cores idle for 8% of their time).
 */
export async function benchSmtp(argv: string[]): Promise<void> {
  const { options } = parseOptions(argv, ['messages', 'sessions', 'size', 'mode', 'generator']);
  const messages = Number(options.messages ?? 20_000);
  const sessions = Number(options.sessions ?? 20);
  const sizeBytes = Number(options.size ?? 4096);
  const modes = options.mode ? [options.mode] : ['new', 'persistent'];
  const generator = loadGenerator(options.generator);
  console.log(
    `smtp bench: ${messages} messages of ${sizeBytes} B, ${sessions} sessions, end to end (accepted + stored), ` +
      `load from ${generator.name}`,
  );
  for (const mode of modes) {
    const rate = await runOnce({ messages, sessions, sizeBytes, mode }, generator);
    console.log(
      `  ${mode === 'new' ? 'new connection per message' : 'persistent sessions       '}: ` +
        `${rate.endToEnd.toFixed(0)} messages/s end to end (${rate.accept.toFixed(0)}/s accepted, ${rate.seconds.toFixed(2)} s); ` +
        `world CPU ${rate.cpu.total.toFixed(2)} ms per message (${rate.cpu.user.toFixed(2)} user, ${rate.cpu.system.toFixed(2)} system)`,
    );
  }
}

interface LoadPlan {
  messages: number;
  sessions: number;
  sizeBytes: number;
  mode: string;
}

interface LoadGenerator {
  name: string;
  command(port: number, plan: LoadPlan): { file: string; args: string[] };
}

/**
 * The load comes from our own smtp-source.ts by default. `--generator smtp-source`
 * uses Postfix's own smtp-source (the tool the Postfix figure was measured
 * with); `--generator /path/to/smtp-source`
 * names the binary. Debian has it in the `postfix` package.
 */
function loadGenerator(choice: string | undefined): LoadGenerator {
  if (!choice || choice === 'node') {
    return {
      name: 'bench/smtp-source.ts',
      command: (port, plan) => ({
        file: process.execPath,
        args: [
          '--import',
          'tsx',
          new URL('./smtp-source.ts', import.meta.url).pathname,
          String(port),
          String(plan.messages),
          String(plan.sessions),
          String(plan.sizeBytes),
          plan.mode,
          'alice@siroe.example,bob@siroe.example,carol@siroe.example',
        ],
      }),
    };
  }
  const file = choice === 'smtp-source' ? 'smtp-source' : choice;
  return {
    name: `Postfix ${file}`,
    command: (port, plan) => ({
      file,
      args: [
        ...['-s', String(plan.sessions), '-l', String(plan.sizeBytes), '-m', String(plan.messages)],
        // -d: keep the connection for the next message; a new one per message is smtp-source's default.
        ...(plan.mode === 'new' ? [] : ['-d']),
        ...['-f', 'load@example.com', '-t', 'bob@siroe.example', '-M', 'load.example.com'],
        `127.0.0.1:${port}`,
      ],
    }),
  };
}

async function runOnce(plan: LoadPlan, generator: LoadGenerator) {
  const { messages } = plan;
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-bench-'));
  const world = await createWorld(withEphemeralPorts(loadWorldSpec()), { dataDir });
  try {
    let stored = 0;
    let allStored: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allStored = resolve));
    // Only the kind it counts: a subscriber of every event would have each relayed one parsed for it.
    world.tracer.subscribe(() => {
      if (++stored === messages) allStored();
    }, ['mailbox.stored']);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const loadSeconds = await runLoad(generator.command(world.portOf('mta', 'smtp'), plan));
    await done;
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    printCommitStats(world);
    return {
      endToEnd: messages / seconds,
      accept: messages / loadSeconds,
      seconds,
      // Every thread of this process: the world's main thread, its worker threads and libuv's pool.
      cpu: {
        total: (cpu.user + cpu.system) / 1000 / messages,
        user: cpu.user / 1000 / messages,
        system: cpu.system / 1000 / messages,
      },
    };
  } finally {
    await world.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** How well group commit grouped: transactions per message is what the fsyncs and WAL writes cost. */
function printCommitStats(world: Awaited<ReturnType<typeof createWorld>>): void {
  const queue = world.queue.commitStats();
  const stores = [...world.stores.values()].map((host) => host.store.deliveryStats()).filter((s) => s.batches > 0);
  const storeBatches = stores.reduce((sum, s) => sum + s.batches, 0);
  const stored = stores.reduce((sum, s) => sum + s.stored, 0);
  console.log(
    `    queue: ${queue.commits} commits for ${queue.writes} writes (largest ${queue.largestBatch}); ` +
      `stores: ${storeBatches} commits for ${stored} messages`,
  );
}

/** Runs the generator to its end; resolves with the seconds it took (the accept rate). */
function runLoad(command: { file: string; args: string[] }): Promise<number> {
  const started = performance.now();
  const child = spawn(command.file, command.args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`load generator ${command.file} exited with ${code}`));
    });
  });
}
