import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent, TraceKind } from '../../server/api/trace.js';
import type { WorldSpec } from '../../server/api/world-spec.js';
import type { ClockMode } from '../../server/core/clock.js';
import { createWorld } from '../../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../../server/world/load-spec.js';
import type { World } from '../../server/world/world.js';

export interface TestWorld {
  world: World;
  dataDir: string;
  /** Resolve with the first event (already seen or future) that matches. */
  waitFor<K extends TraceKind>(kind: K, match?: (e: TraceEvent<K>) => boolean): Promise<TraceEvent<K>>;
  /** Events so far, optionally of one message. */
  events(traceId?: string): TraceEvent[];
  close(): Promise<void>;
}

/** The default world (or a changed copy) on ephemeral ports in a fresh temp data dir. */
export async function startTestWorld(
  opts: { change?: (spec: WorldSpec) => WorldSpec; clock?: ClockMode; dataDir?: string } = {},
): Promise<TestWorld> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'mailscope-test-'));
  const base = withEphemeralPorts(loadWorldSpec());
  const spec = opts.change ? opts.change(structuredClone(base)) : base;
  const world = await createWorld(spec, { dataDir, clock: opts.clock, keysDir: sharedKeysDir() });
  const seen: TraceEvent[] = [];
  const waiters: Array<{ test: (e: TraceEvent) => boolean; resolve: (e: TraceEvent) => void }> = [];
  world.tracer.subscribe((event) => {
    seen.push(event);
    for (const w of [...waiters]) {
      if (w.test(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  return {
    world,
    dataDir,
    waitFor<K extends TraceKind>(kind: K, match?: (e: TraceEvent<K>) => boolean) {
      const test = (e: TraceEvent) => e.kind === kind && (!match || match(e as TraceEvent<K>));
      const already = seen.find(test);
      if (already) return Promise.resolve(already as TraceEvent<K>);
      return new Promise((resolve) => waiters.push({ test, resolve: resolve as (e: TraceEvent) => void }));
    },
    events(traceId?: string) {
      return traceId ? seen.filter((e) => e.traceId === traceId) : [...seen];
    },
    async close() {
      await world.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Assert that `kinds` appear in this order among the events (other events may come
 * between them): the storyline of a message, not a brittle full transcript.
 */
export function assertStoryline(events: TraceEvent[], kinds: string[]): void {
  let at = 0;
  for (const kind of kinds) {
    const found = events.findIndex((e, i) => i >= at && e.kind === kind);
    if (found < 0) {
      const story = events.map((e) => e.kind).join(' → ');
      throw new Error(`storyline: expected "${kind}" after position ${at}\n  got: ${story}`);
    }
    at = found + 1;
  }
}

/** One folder of DKIM keys for every test world of this machine (made once, then reused). */
export function sharedKeysDir(): string {
  return join(tmpdir(), 'mailscope-test-keys');
}
