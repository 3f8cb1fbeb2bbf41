/**
 * The world clock. Every timer with a meaning in the mail system (retry schedule,
 * hold, expiry) reads this clock, so a class can watch a 60-minute retry happen in
 * seconds (scaled) or one step at a time (stepped). Socket idle timeouts are about
 * the machine, not the story, and stay on real time.
 */
export type ClockMode = { kind: 'real' } | { kind: 'scaled'; factor: number } | { kind: 'stepped' };

export interface TimerHandle {
  readonly id: number;
  readonly dueAt: number;
}

export interface Clock {
  /** World time in epoch milliseconds. */
  now(): number;
  mode(): ClockMode;
  setMode(mode: ClockMode): void;
  /** Run `fn` when world time reaches `dueAt` (immediately-ish if already past). */
  setTimerAt(dueAt: number, fn: () => void): TimerHandle;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
  /** Move world time forward by `ms` and fire what became due, in due order. */
  advance(ms: number): void;
  /** Forget all timers; the clock stays readable. */
  close(): void;
  /** Where the clock stands, for a copy on another thread to follow. */
  state(): ClockState;
  /** Called after every change of mode or step of time, with the new state. */
  onChange(listener: (state: ClockState) => void): () => void;
}

/** Real-time seam so tests can drive the clock's own notion of "now". */
export interface RealTime {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTime: RealTime = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Where a clock stands: world time `world` at real time `real`, moving at the mode's
 * rate. A host thread given it (see SharedState) reads the same world time.
 */
export interface ClockState {
  mode: ClockMode;
  world: number;
  real: number;
}

interface PendingTimer extends TimerHandle {
  fn: () => void;
}

/** The world time a clock in `state` shows at real time `realNow`. */
export function worldTimeAt(state: ClockState, realNow: number): number {
  return timeAt(state.world, state.real, state.mode, realNow);
}

function timeAt(baseWorld: number, baseReal: number, mode: ClockMode, realNow: number): number {
  return Math.floor(baseWorld + (realNow - baseReal) * rateOf(mode));
}

function rateOf(mode: ClockMode): number {
  if (mode.kind === 'real') return 1;
  if (mode.kind === 'scaled') return mode.factor;
  return 0;
}

export function parseClockMode(text: string): ClockMode {
  if (text === 'real') return { kind: 'real' };
  if (text === 'stepped') return { kind: 'stepped' };
  const m = /^scaled:(\d+(?:\.\d+)?)$/.exec(text);
  if (m && Number(m[1]) > 0) return { kind: 'scaled', factor: Number(m[1]) };
  throw new Error(`clock must be real, stepped or scaled:N (N > 0), not "${text}"`);
}

export function formatClockMode(mode: ClockMode): string {
  return mode.kind === 'scaled' ? `scaled:${mode.factor}` : mode.kind;
}

export class WorldClock implements Clock {
  private currentMode: ClockMode;
  /** World time at the last rebase, and the real time it corresponds to. */
  private baseWorld: number;
  private baseReal: number;
  private timers: PendingTimer[] = [];
  private nextId = 1;
  private wakeHandle: unknown;
  private readonly changeListeners = new Set<(state: ClockState) => void>();

  constructor(
    mode: ClockMode = { kind: 'real' },
    private readonly real: RealTime = systemTime,
    startAt?: number,
  ) {
    this.currentMode = mode;
    this.baseReal = real.now();
    this.baseWorld = startAt ?? this.baseReal;
  }

  now(): number {
    return timeAt(this.baseWorld, this.baseReal, this.currentMode, this.real.now());
  }

  mode(): ClockMode {
    return this.currentMode;
  }

  setMode(mode: ClockMode): void {
    this.rebase();
    this.currentMode = mode;
    this.reschedule();
    this.changed();
  }

  state(): ClockState {
    return { mode: this.currentMode, world: this.baseWorld, real: this.baseReal };
  }

  onChange(listener: (state: ClockState) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  setTimerAt(dueAt: number, fn: () => void): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, dueAt, fn };
    // Keep sorted by due time, then by creation, so equal deadlines fire in order.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.dueAt > dueAt) i--;
    this.timers.splice(i, 0, timer);
    if (i === 0) this.reschedule();
    return { id: timer.id, dueAt };
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.setTimerAt(this.now() + Math.max(0, delayMs), fn);
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const i = this.timers.findIndex((t) => t.id === handle.id);
    if (i >= 0) this.timers.splice(i, 1);
    if (i === 0) this.reschedule();
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error('the clock cannot go backwards');
    this.rebase();
    this.baseWorld += ms;
    // Told first: the timers below (a retry, say) may reach a host thread that reads this time.
    this.changed();
    this.fireDue();
  }

  close(): void {
    this.timers = [];
    this.real.clearTimeout(this.wakeHandle);
    this.wakeHandle = undefined;
  }

  private changed(): void {
    const state = this.state();
    for (const listener of this.changeListeners) listener(state);
  }

  private rebase(): void {
    const realNow = this.real.now();
    this.baseWorld = this.now();
    this.baseReal = realNow;
  }

  private fireDue(): void {
    const now = this.now();
    while (this.timers.length > 0 && this.timers[0]!.dueAt <= now) {
      const timer = this.timers.shift()!;
      timer.fn();
    }
    this.reschedule();
  }

  /** One real timeout for the earliest world timer, converted through the rate. */
  private reschedule(): void {
    this.real.clearTimeout(this.wakeHandle);
    this.wakeHandle = undefined;
    const first = this.timers[0];
    const rate = rateOf(this.currentMode);
    if (!first || rate === 0) return;
    const realDelay = Math.max(0, (first.dueAt - this.now()) / rate);
    // setTimeout clamps above 2^31-1 ms; wake up then and look again.
    this.wakeHandle = this.real.setTimeout(() => this.fireDue(), Math.min(realDelay, 2 ** 31 - 1));
  }
}
