/**
 * The animation clock: token times are on it. It runs at `speed` × real time and stops
 * while paused, so a paused token neither moves nor expires.
 */
export class AnimationClock {
  private baseMs = 0;
  private realAtMs: number;
  private speed = 1;
  private paused = false;

  constructor(private readonly realNow: () => number = () => performance.now()) {
    this.realAtMs = realNow();
  }

  now(): number {
    if (this.paused) return this.baseMs;
    return this.baseMs + (this.realNow() - this.realAtMs) * this.speed;
  }

  setSpeed(speed: number): void {
    this.rebase();
    this.speed = speed;
  }

  setPaused(paused: boolean): void {
    this.rebase();
    this.paused = paused;
  }

  private rebase(): void {
    this.baseMs = this.now();
    this.realAtMs = this.realNow();
  }
}
