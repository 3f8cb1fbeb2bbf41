/**
 * The built renderer for `serve`: renderer/dist, rebuilt (programmatic `vite build`)
 * when it is missing or its sources changed since it was built. Freshness is a stamp of
 * every source file's path, size and mtime, written beside the build, so an edit, a
 * new file or a deleted one all count, and clock skew does not.
 *
 * Several processes may start at once (parallel tests): one builds under a lock
 * directory while the others wait for it; the build goes to a private folder and is
 * moved in asset files first, index.html last (a rename), so a server never sees a
 * page whose scripts are missing.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface RendererBuildOptions {
  /** The renderer's folder (holds vite.config.ts); defaults to this repository's. */
  rendererDir?: string;
  /** Progress notes for people (serve prints them on stderr, keeping stdout's table clean). */
  log?: (line: string) => void;
  /** How long to wait for another process's build. */
  lockWaitMs?: number;
}

const STAMP_FILE = 'build-stamp.txt';
const LOCK_DIR = '.build-lock';
const SKIPPED = new Set(['dist', 'node_modules']);

export function defaultRendererDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../renderer');
}

/** A digest of every source of the build (not the docs; and the lock file: a dependency update rebuilds too). */
export function sourceStamp(rendererDir: string): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && !entry.name.endsWith('.md')) addFile(full);
    }
  };
  const addFile = (file: string) => {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(rendererDir, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  visit(rendererDir);
  const lockFile = path.join(rendererDir, '..', 'package-lock.json');
  if (fs.existsSync(lockFile)) addFile(lockFile);
  return hash.digest('hex');
}

export function isRendererFresh(rendererDir: string): boolean {
  const dist = path.join(rendererDir, 'dist');
  try {
    const stamp = fs.readFileSync(path.join(dist, STAMP_FILE), 'utf8').trim();
    return fs.existsSync(path.join(dist, 'index.html')) && stamp === sourceStamp(rendererDir);
  } catch {
    return false;
  }
}

/**
 * The folder to serve the UI from, built first if needed. Undefined when there is no
 * build and none can be made (a production install without Vite): the control server
 * then shows its status page.
 */
export async function ensureRendererBuilt(options: RendererBuildOptions = {}): Promise<string | undefined> {
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const log = options.log ?? (() => undefined);
  const dist = path.join(rendererDir, 'dist');
  if (isRendererFresh(rendererDir)) return dist;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log('the UI cannot be built here (Vite is not installed)');
    return fs.existsSync(path.join(dist, 'index.html')) ? dist : undefined;
  }
  const release = await acquireLock(path.join(rendererDir, LOCK_DIR), options.lockWaitMs ?? 120_000);
  try {
    // Another process may have built it while we waited for the lock.
    if (isRendererFresh(rendererDir)) return dist;
    log('building the UI (renderer/dist is missing or older than its sources)…');
    const stamp = sourceStamp(rendererDir);
    const outDir = path.join(rendererDir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await vite.build({
        configFile: path.join(rendererDir, 'vite.config.ts'),
        build: { outDir, emptyOutDir: true },
        logLevel: 'warn',
      });
      fs.writeFileSync(path.join(outDir, STAMP_FILE), `${stamp}\n`);
      installBuild(outDir, dist);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
    log('UI built');
    return dist;
  } finally {
    release();
  }
}

/** Assets first (new hashed names disturb nobody), then the stamp, then index.html by rename. */
function installBuild(outDir: string, dist: string): void {
  const assets = path.join(dist, 'assets');
  fs.mkdirSync(assets, { recursive: true });
  const fresh = new Set<string>();
  const builtAssets = path.join(outDir, 'assets');
  for (const name of fs.existsSync(builtAssets) ? fs.readdirSync(builtAssets) : []) {
    fresh.add(name);
    moveFile(path.join(builtAssets, name), path.join(assets, name));
  }
  for (const entry of fs.readdirSync(outDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name !== 'index.html')
      moveFile(path.join(outDir, entry.name), path.join(dist, entry.name));
  }
  moveFile(path.join(outDir, 'index.html'), path.join(dist, 'index.html'));
  for (const name of fs.readdirSync(assets)) if (!fresh.has(name)) fs.rmSync(path.join(assets, name), { force: true });
}

function moveFile(from: string, to: string): void {
  fs.renameSync(from, to);
}

function ageMs(p: string): number {
  try {
    return Date.now() - fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/** mkdir is atomic: whoever creates the folder holds the lock; a dead holder's lock is taken over. */
async function acquireLock(lockDir: string, waitMs: number): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!holderAlive(lockDir)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the UI build is locked by another process (${lockDir})`);
    // Waiting on another process's build: there is no event to wait on across processes.
    await delay(100);
  }
}

function holderAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Between mkdir and writing the pid: alive, unless it has looked like this for a while (a crash).
    return ageMs(lockDir) < 10_000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
