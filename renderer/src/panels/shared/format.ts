/** Small formatting rules the panels share (pure; unit-tested in ui-panels-format). */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Time until a next attempt, as a class reads it: "in 42 s", "in 59 min 58 s",
 * "in 3 h 05 min", "in 2 d 4 h"; "due now" once it has come.
 */
export function formatCountdown(remainingMs: number): string {
  if (!Number.isFinite(remainingMs) || remainingMs <= 0) return 'due now';
  const seconds = Math.ceil(remainingMs / 1000);
  if (seconds < 60) return `in ${seconds} s`;
  if (remainingMs < HOUR_MS) return `in ${Math.floor(seconds / 60)} min ${pad2(seconds % 60)} s`;
  const minutes = Math.floor(remainingMs / MINUTE_MS);
  if (remainingMs < DAY_MS) return `in ${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
  const hours = Math.floor(remainingMs / HOUR_MS);
  return `in ${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A duration in the unit that reads best: "0 ms", "12 ms", "1.4 s", "3 min 20 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE_MS) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)} min ${Math.round((ms % MINUTE_MS) / 1000)} s`;
  if (ms < DAY_MS) return `${Math.floor(ms / HOUR_MS)} h ${Math.round((ms % HOUR_MS) / MINUTE_MS)} min`;
  return `${Math.floor(ms / DAY_MS)} d ${Math.round((ms % DAY_MS) / HOUR_MS)} h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** World-clock date and time, local: "2026-11-30 14:05:09". */
export function formatWorldDateTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "scaled:600" → "scaled ×600". */
export function describeClockMode(mode: string | undefined): string {
  if (!mode) return 'unknown';
  const scaled = /^scaled:(.+)$/.exec(mode);
  return scaled ? `scaled ×${scaled[1]}` : mode;
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}
