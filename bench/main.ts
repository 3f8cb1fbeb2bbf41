/**
 * npm run bench -- <name> [options]
 *   smtp         end to end: durable accept and delivery into the store (the figure)
 *   smtp-layer   the SMTP protocol layer alone, trivial hooks
 *   queue        the durable queue alone: group-committed enqueues and updates
 *   store        the message store alone: group-committed deliveries
 *   ui           the renderer in headless Chromium: frame times with 200 tokens moving and a 10,000-event burst
 *   imap         10,000 messages read through the MMP: SELECT, a 1:* summary fetch, 1,000 bodies
 */
import { spawn } from 'node:child_process';
import { benchImap } from './imap.js';
import { benchSmtp } from './smtp.js';

const [name, ...rest] = process.argv.slice(2);

/** Component benchmarks are scripts of their own; run them as they would run alone. */
const script = (file: string) => (argv: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL(file, import.meta.url).pathname, ...argv], {
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))));
  });

const benches: Record<string, (argv: string[]) => Promise<void>> = {
  smtp: benchSmtp,
  'smtp-layer': script('./smtp-layer.ts'),
  queue: script('./queue.ts'),
  store: script('./store.ts'),
  ui: script('./ui.ts'),
  imap: benchImap,
};

const run = name ? benches[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
await run(rest);
process.exit(0);
