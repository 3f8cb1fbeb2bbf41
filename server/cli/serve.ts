import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseClockMode } from '../core/clock.js';
import { ensureRendererBuilt } from '../http/renderer-build.js';
import { createWorld } from '../world/create-world.js';
import { loadWorldSpec } from '../world/load-spec.js';
import type { World } from '../world/world.js';
import { parseOptions } from './args.js';
import { defaultDataDir } from './data-dir.js';

export const serveUsage = `mailscope serve [--data-dir DIR] [--world FILE] [--bind ADDR] [--clock real|scaled:N|stepped]`;

/**
 * Runs a whole world in the foreground: prints the services and their ports, then
 * `ready <url>`; SIGINT / SIGTERM stop it cleanly (listeners closed, queue and stores
 * closed). Returns when the world has stopped.
 */
export async function serve(argv: string[], out: (line: string) => void = console.log): Promise<void> {
  const lab = await openLab(argv);
  printServices(lab.world, out);
  out(`data  ${lab.dataDir}`);
  out(`ready ${lab.world.controlUrl}`);

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      out(`${signal}: stopping`);
      lab
        .close()
        .catch((err: unknown) => console.error(err))
        .finally(() => {
          out('stopped');
          done();
        });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export interface OpenLab {
  world: World;
  dataDir: string;
  /** Stops the world and removes control.json. */
  close(): Promise<void>;
}

/**
 * The world of `serve` and of the desktop window alike: options parsed, the UI built
 * if needed, the world started, and `<data-dir>/control.json` written for `qm`.
 */
export async function openLab(argv: string[]): Promise<OpenLab> {
  const { options } = parseOptions(argv, ['data-dir', 'world', 'bind', 'clock']);
  const dataDir = resolve(options['data-dir'] ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const spec = loadWorldSpec(options.world ? resolve(options.world) : undefined);
  // Notes go to stderr: stdout is the services table and the ready line, which scripts read.
  const staticDir = await ensureRendererBuilt({ log: (line) => console.error(line) });
  const world = await createWorld(spec, {
    dataDir,
    bindAddress: options.bind,
    clock: options.clock ? parseClockMode(options.clock) : undefined,
    staticDir,
  });
  const controlFile = join(dataDir, 'control.json');
  writeFileSync(controlFile, JSON.stringify({ url: world.controlUrl, pid: process.pid }) + '\n', { mode: 0o600 });
  return {
    world,
    dataDir,
    close: async () => {
      try {
        await world.stop();
      } finally {
        rmSync(controlFile, { force: true });
      }
    },
  };
}

export function printServices(world: World, out: (line: string) => void): void {
  const rows = world.bindings.map((b) => {
    const host = world.spec.hosts.find((h) => h.name === b.host);
    return [host?.label ?? b.host, b.host, b.protocol, `${b.address}:${b.port}`];
  });
  const header = ['service', 'host', 'protocol', 'listening on'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  out(line(header));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out(line(row));
}
