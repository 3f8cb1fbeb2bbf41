/**
 * The UI never waits for the server and the server never waits for the UI: incoming
 * events only join a queue here, and once per animation frame everything queued is
 * folded into the store in ONE update (one React render for any number of events).
 * The same frame drops tokens whose ride is over. A hidden tab gets no animation
 * frames, so a slow timer takes over there and folds without animating.
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import { foldEvents } from '../fold/fold.js';
import { sweepTokens } from '../fold/tokens.js';
import type { FoldState } from '../fold/types.js';
import type { AnimationClock } from './anim-clock.js';
import type { AppState, AppStore, WorldClockView } from './app-state.js';

export interface FrameLoopOptions {
  /** Most events folded in one frame; the rest wait for the next (keeps frames short). */
  maxEventsPerFrame: number;
  hiddenFlushMs: number;
  /**
   * How often finished tokens are dropped when no events arrive. A finished dot is
   * already invisible (its SVG animation hid it), so this only frees memory; doing it
   * every frame would re-render the edges 60 times a second for nothing.
   */
  sweepEveryMs: number;
}

const DEFAULTS: FrameLoopOptions = { maxEventsPerFrame: 5_000, hiddenFlushMs: 500, sweepEveryMs: 250 };

interface Pending {
  events: TraceEvent[];
  live: boolean;
}

export class FrameLoop {
  private pending: Pending[] = [];
  private pendingCount = 0;
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSweepMs = 0;
  private readonly options: FrameLoopOptions;

  constructor(
    private readonly store: AppStore,
    private readonly clock: AnimationClock,
    options: Partial<FrameLoopOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Queue events (never blocks). `live` events are animated, history is not. */
  push(events: TraceEvent[], live: boolean): void {
    if (events.length === 0) return;
    this.pending.push({ events, live });
    this.pendingCount += events.length;
    this.schedule();
  }

  /** Wakes the loop (e.g. after tokens were created or the speed changed). */
  schedule(): void {
    if (this.frame === undefined) this.frame = requestAnimationFrame(() => this.run(true));
    if (this.timer === undefined) this.timer = setTimeout(() => this.run(false), this.options.hiddenFlushMs);
  }

  stop(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = undefined;
    this.timer = undefined;
  }

  private run(visible: boolean): void {
    this.stop();
    const batch = this.take();
    const realNowMs = performance.now();
    const sweep = realNowMs - this.lastSweepMs >= this.options.sweepEveryMs;
    if (batch.length === 0 && !sweep) {
      this.schedule();
      return;
    }
    this.lastSweepMs = realNowMs;
    const nowMs = this.clock.now();
    this.store.set((s) => applyBatch(s, batch, nowMs, visible));
    const state = this.store.get();
    if (this.pendingCount > 0 || state.fold.tokens.length > 0) this.schedule();
  }

  private take(): Pending[] {
    const taken: Pending[] = [];
    let budget = this.options.maxEventsPerFrame;
    while (budget > 0 && this.pending.length > 0) {
      const head = this.pending[0]!;
      if (head.events.length <= budget) {
        taken.push(this.pending.shift()!);
        budget -= head.events.length;
      } else {
        taken.push({ events: head.events.slice(0, budget), live: head.live });
        head.events = head.events.slice(budget);
        budget = 0;
      }
    }
    this.pendingCount -= taken.reduce((n, p) => n + p.events.length, 0);
    return taken;
  }
}

function applyBatch(state: AppState, batch: Pending[], nowMs: number, visible: boolean): AppState {
  let fold: FoldState = state.fold;
  let clock = state.clock;
  const siteMta = state.world?.hosts.find((h) => h.role === 'mta')?.name;
  for (const part of batch) {
    fold = foldEvents(fold, part.events, { nowMs, animate: part.live && visible, siteMta });
    // History carries old clock reports: only a live one says what the clock reads now.
    if (part.live) clock = latestClock(part.events, clock);
  }
  if (batch.length === 0) fold = sweepTokens(fold, nowMs);
  if (fold === state.fold && clock === state.clock) return state;
  return { ...state, fold, clock };
}

function latestClock(events: TraceEvent[], current: WorldClockView | undefined): WorldClockView | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind === 'clock.changed') return { mode: e.data.mode, now: e.data.now, receivedAt: Date.now() };
  }
  return current;
}
