/**
 * When to try again. The schedule is data (world settings; default after Sun's MTA:
 * 60, 120, 120, 240, 240, 240, 480 minutes). After the attempt that used the last
 * interval has failed too, the recipient fails for good.
 *
 * @param failedAttempts attempts made so far, counting the one that just failed (>= 1)
 * @returns when to try next, or undefined when it is time to give up
 */
export function nextAttemptAt(failedAttempts: number, now: number, scheduleMinutes: number[]): number | undefined {
  if (failedAttempts < 1) return now;
  const minutes = scheduleMinutes[failedAttempts - 1];
  if (minutes === undefined) return undefined;
  return now + minutes * 60_000;
}
