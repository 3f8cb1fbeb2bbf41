/**
 * The UI under load, in headless Chromium against a real (idle) world serving the
 * built renderer. Events are injected through the page's test hook (window.__mailscope),
 * exactly where the trace stream hands them over, so this measures the renderer alone.
 *
 *   1. tokens: waves of new messages keep ~200 tokens moving; frame times measured.
 *   2. burst: 10,000 events pushed at once (whole message stories, animated); the
 *      longest frame while they are folded and drawn.
 *
 *   npm run bench -- ui [--tokens 200] [--events 10000] [--seconds 4]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TraceEvent } from '../server/api/trace.js';
import { parseOptions } from '../server/cli/args.js';
import { ensureRendererBuilt } from '../server/http/renderer-build.js';
import { createWorld } from '../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../server/world/load-spec.js';
import { DEFAULT_LIMITS } from '../renderer/src/fold/types.js';
import { SyntheticTrace } from './ui-events.js';

const CHROMIUM = '/usr/bin/chromium';
const HOP_MS = DEFAULT_LIMITS.hopMs;

interface FrameStats {
  frames: number;
  fps: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function stats(deltas: number[]): FrameStats {
  const seconds = deltas.reduce((a, b) => a + b, 0) / 1000;
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    frames: deltas.length,
    fps: deltas.length / seconds,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: sorted.at(-1) ?? 0,
  };
}

const fmt = (s: FrameStats) =>
  `${s.frames} frames, ${s.fps.toFixed(1)} fps, p50 ${s.p50Ms.toFixed(1)} ms, p95 ${s.p95Ms.toFixed(1)} ms, max ${s.maxMs.toFixed(1)} ms`;

/**
 * Starts recording the time between animation frames in the page. A string, not a
 * function: tsx's transform would add a `__name` helper that does not exist in the page.
 */
const START_FRAMES = `(() => {
  window.__frames = [];
  window.__recording = true;
  let last = performance.now();
  function tick(t) {
    window.__frames.push(t - last);
    last = t;
    if (window.__recording) requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})()`;

async function startFrames(page: Page): Promise<void> {
  await page.evaluate(START_FRAMES);
}

async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames.slice(1);
  });
}

/** Tokens whose ride is under way right now (started, not finished). */
async function movingTokens(page: Page): Promise<number> {
  return page.evaluate(() => {
    const s = window.__mailscope!.state();
    const now = window.__mailscope!.animationNow();
    return s.fold.tokens.filter((t) => t.startedAt <= now && now < t.startedAt + t.durationMs).length;
  });
}

interface TraceEventJson {
  name: string;
  ph?: string;
  pid?: number;
  tid?: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * CPU time of the page's main thread (Chrome trace, thread time), per second of wall
 * time: less at the mercy of other load on the machine than frame times are.
 */
async function mainThreadCpu(browser: Browser, page: Page, file: string, during: () => Promise<void>): Promise<number> {
  const started = Date.now();
  await browser.startTracing(page, {
    path: file,
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
  });
  await during();
  await browser.stopTracing();
  const seconds = (Date.now() - started) / 1000;
  const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEventJson[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let cpuMs = 0;
  for (const e of events) {
    if (e.ph === 'X' && e.name === 'RunTask' && e.pid === main?.pid && e.tid === main?.tid)
      cpuMs += (e.tdur ?? 0) / 1000;
  }
  return cpuMs / seconds;
}

async function tokensPhase(
  page: Page,
  trace: SyntheticTrace,
  tokens: number,
  seconds: number,
  prefix = 'w',
): Promise<FrameStats> {
  // Each message rides two chained hops of HOP_MS, one moving at a time; a wave of tokens/4
  // messages every HOP_MS/2 means 4 waves (= `tokens` messages) are under way at any moment.
  const perWave = Math.round(tokens / 4);
  const waveMs = HOP_MS / 2;
  const waves: TraceEvent[][] = [];
  const warmup = 4;
  const count = warmup + Math.ceil((seconds * 1000) / waveMs);
  for (let i = 0; i < count; i++) waves.push(trace.arrivals(perWave, `${prefix}${i}`));
  await page.evaluate(
    ([all, everyMs]) => {
      let i = 0;
      const timer = setInterval(() => {
        window.__mailscope!.push(all[i]!, true);
        if (++i >= all.length) clearInterval(timer);
      }, everyMs);
    },
    [waves, waveMs] as const,
  );
  await page.waitForTimeout(warmup * waveMs + HOP_MS);
  const samples: number[] = [];
  await startFrames(page);
  for (let t = 0; t < seconds * 4; t++) {
    await page.waitForTimeout(250);
    samples.push(await movingTokens(page));
  }
  const deltas = await stopFrames(page);
  if (process.env.UI_BENCH_HISTOGRAM) console.log(deltas.map((d) => d.toFixed(0)).join(' '));
  const average = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(
    `  tokens moving: ${average.toFixed(0)} on average (min ${Math.min(...samples)}, max ${Math.max(...samples)})`,
  );
  return stats(deltas);
}

async function burstPhase(
  page: Page,
  trace: SyntheticTrace,
  events: number,
  animated: boolean,
): Promise<{ frames: FrameStats; appliedMs: number }> {
  const burst = trace.stories(events, 'b');
  const lastSeq = burst.at(-1)!.seq;
  // Hand the events to the page first: the copy into the page is the benchmark's cost, not the UI's.
  await page.evaluate((all) => ((window as unknown as { __burst: TraceEvent[] }).__burst = all), burst);
  await page.waitForTimeout(HOP_MS * 3);
  await startFrames(page);
  const started = Date.now();
  await page.evaluate(
    (live) => window.__mailscope!.push((window as unknown as { __burst: TraceEvent[] }).__burst, live),
    animated,
  );
  await page.waitForFunction((seq) => window.__mailscope!.state().fold.lastSeq >= seq, lastSeq, { polling: 'raf' });
  const appliedMs = Date.now() - started;
  await page.waitForTimeout(1000);
  const deltas = await stopFrames(page);
  return { frames: stats(deltas), appliedMs };
}

async function main(argv: string[]): Promise<void> {
  const { options } = parseOptions(argv, ['tokens', 'events', 'seconds']);
  const tokens = Number(options.tokens ?? 200);
  const events = Number(options.events ?? 10_000);
  const seconds = Number(options.seconds ?? 4);
  if (!existsSync(CHROMIUM)) throw new Error(`the UI benchmark needs Chromium at ${CHROMIUM}`);
  const staticDir = await ensureRendererBuilt({ log: (line) => console.error(line) });
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-'));
  const world = await createWorld(withEphemeralPorts(loadWorldSpec()), { dataDir, staticDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(world.controlUrl!);
    await page.locator('.react-flow__node[data-id="mta.siroe.example"]').waitFor();
    await page.locator('[data-testid="connection"]', { hasText: 'live' }).waitFor();
    // The synthetic events stand in for the stream: stop the real one so nothing interleaves.
    await page.evaluate(() => window.__mailscope!.stopConnection());
    const trace = new SyntheticTrace();

    console.log(`ui: ${tokens} tokens moving for ${seconds} s`);
    const moving = await tokensPhase(page, trace, tokens, seconds);
    console.log(`  ${fmt(moving)}   (target: p95 <= 20 ms)`);
    const cpuMsPerSecond = await mainThreadCpu(browser, page, join(dataDir, 'trace.json'), () =>
      tokensPhase(page, trace, tokens, 2, 'cpu').then(() => undefined),
    );
    console.log(`  main thread CPU with ~${tokens} tokens moving: ${cpuMsPerSecond.toFixed(0)} ms per second`);

    for (const animated of [false, true]) {
      console.log(`ui: ${events} events pushed at once (${animated ? 'live: animated' : 'history: not animated'})`);
      const burst = await burstPhase(page, trace, events, animated);
      console.log(`  folded in ${burst.appliedMs} ms; ${fmt(burst.frames)}   (target: no frame over 100 ms)`);
    }
  } finally {
    await browser.close();
    await world.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
