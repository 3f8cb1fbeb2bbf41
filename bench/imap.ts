import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../server/cli/args.js';
import type { MessageStore } from '../server/store/message-store.js';
import { createWorld } from '../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../server/world/load-spec.js';
import type { ImapTimings } from './imap-client.js';

/**
 * The IMAP benchmark of the issue: bob's INBOX with 10,000 messages of ~4 KiB
 * (inserted through the store API, group-committed), a world on ephemeral ports,
 * and a raw IMAP client in its own process measuring, through the MMP: LOGIN +
 * SELECT, `UID FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)`, and 1,000 full bodies
 * fetched one command each. The same client also goes to the store's back end
 * directly (the MMP's share), and to any other server given with --reference.
 *
 *   npm run bench -- imap [--messages 10000] [--size 4096] [--bodies 1000] [--repeat 3]
 *                         [--reference host:port:user:pass[:folder]]
 *
 * Each figure is the best of --repeat runs: on a shared machine the noise only adds.
 */
export async function benchImap(argv: string[]): Promise<void> {
  const { options } = parseOptions(argv, ['messages', 'size', 'bodies', 'reference', 'repeat']);
  const repeat = Number(options.repeat ?? 3);
  const messages = Number(options.messages ?? 10_000);
  const sizeBytes = Number(options.size ?? 4096);
  const bodies = Number(options.bodies ?? 1000);
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-bench-'));
  const world = await createWorld(withEphemeralPorts(loadWorldSpec()), { dataDir });
  try {
    const storeHost = 'mailboxb.siroe.example';
    const fillMs = await fill(world.stores.get(storeHost)!.store, messages, sizeBytes);
    console.log(
      `imap bench: ${messages} messages of ${sizeBytes} B in bob's INBOX (filled in ${fillMs.toFixed(0)} ms)`,
    );
    const rows: Array<[string, ImapTimings]> = [];
    const run = async (host: string, port: number, user: string, pass: string, folder = 'INBOX') => {
      const args = ['--host', host, '--port', String(port), '--user', user, '--pass', pass];
      const runs: ImapTimings[] = [];
      for (let i = 0; i < repeat; i++)
        runs.push(await runClient([...args, '--bodies', String(bodies), '--folder', folder]));
      return best(runs);
    };
    rows.push(['Mailscope via MMP', await run('127.0.0.1', world.portOf('mmp', 'imap'), 'bob', 'bob')]);
    rows.push(['Mailscope store direct', await run('127.0.0.1', world.port(storeHost, 'imap'), 'bob', 'bob')]);
    if (options.reference) {
      const [host, port, user, pass, folder] = options.reference.split(':');
      rows.push([`reference ${host}:${port}`, await run(host!, Number(port), user!, pass!, folder)]);
    }
    printTable(rows);
  } finally {
    await world.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** ~sizeBytes messages with a realistic header (the ENVELOPE needs one to parse). */
function message(i: number, sizeBytes: number): Buffer {
  const header =
    `Return-Path: <erin@example.com>\r\nFrom: Erin Example <erin@example.com>\r\nTo: Bob <bob@siroe.example>\r\n` +
    `Cc: carol@siroe.example\r\nSubject: =?UTF-8?Q?Bench_message_=E2=84=96_${i}?=\r\n` +
    `Date: Mon, 06 Jan 2025 10:00:00 +0100\r\nMessage-ID: <bench.${i}@example.com>\r\n` +
    `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n';
  const body = line.repeat(Math.max(1, Math.ceil((sizeBytes - header.length) / line.length)));
  return Buffer.from((header + body).slice(0, Math.max(sizeBytes, header.length + line.length)));
}

async function fill(store: MessageStore, messages: number, sizeBytes: number): Promise<number> {
  const started = performance.now();
  const pending: Array<Promise<unknown>> = [];
  for (let i = 0; i < messages; i++) {
    pending.push(store.deliver({ address: 'bob@siroe.example', raw: message(i, sizeBytes) }));
    // Group commit takes up to 512 per transaction; keep a few batches in flight.
    if (pending.length >= 2048) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return performance.now() - started;
}

function best(runs: ImapTimings[]): ImapTimings {
  const min = (pick: (t: ImapTimings) => number) => Math.min(...runs.map(pick));
  return {
    ...runs[0]!,
    loginMs: min((t) => t.loginMs),
    selectMs: min((t) => t.selectMs),
    summaryFetchMs: min((t) => t.summaryFetchMs),
    bodyFetchMs: min((t) => t.bodyFetchMs),
  };
}

function runClient(args: string[]): Promise<ImapTimings> {
  const script = new URL('./imap-client.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as ImapTimings);
      else reject(new Error(`imap client exited with ${code}`));
    });
  });
}

function printTable(rows: Array<[string, ImapTimings]>): void {
  const perSecond = (n: number, ms: number) => (ms > 0 ? Math.round((n / ms) * 1000) : 0);
  const header = [
    'server',
    'LOGIN ms',
    'SELECT ms',
    'UID FETCH 1:* ms',
    'summaries/s',
    `bodies ms`,
    'bodies/s',
    'MiB/s',
  ];
  const lines = rows.map(([name, t]) => [
    name,
    t.loginMs.toFixed(1),
    t.selectMs.toFixed(1),
    t.summaryFetchMs.toFixed(0),
    String(perSecond(t.summaryMessages, t.summaryFetchMs)),
    `${t.bodyFetchMs.toFixed(0)} (${t.bodyMessages})`,
    String(perSecond(t.bodyMessages, t.bodyFetchMs)),
    (t.bodyBytes / 1024 / 1024 / (t.bodyFetchMs / 1000)).toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(format(l));
  const summaries = rows.map(([, t]) => t.summaryMessages).join(', ');
  console.log(`(UID FETCH 1:* answered ${summaries} messages; bodies: one FETCH n (BODY.PEEK[]) per message;`);
  console.log(' each figure the best of its runs)');
}
