/** Helpers for what happens between accept and the 220 greeting. */

const REVERSE_LOOKUP_CAP_MS = 2000;

/** A slow or broken resolver must not hold the greeting for long: give up after a cap. */
export async function lookupWithCap(
  lookup: (ip: string) => Promise<string | undefined>,
  ip: string,
  capMs = REVERSE_LOOKUP_CAP_MS,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), capMs);
  });
  try {
    return await Promise.race([lookup(ip).catch(() => undefined), cap]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The pre-greeting pause. `cancel()` ends the wait early (connection closing), so
 * nothing keeps a timer or a pending promise for a session that is gone.
 */
export class GreetingDelay {
  private timer?: NodeJS.Timeout;
  private resolveWait?: () => void;

  wait(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolveWait = resolve;
      this.timer = setTimeout(() => this.cancel(), delayMs);
    });
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const resolve = this.resolveWait;
    this.resolveWait = undefined;
    resolve?.();
  }
}
