/** Node positions the user dragged, kept per world name in localStorage. */
import type { Point } from './layout.js';

const PREFIX = 'mailscope.layout.';

export function loadLayout(storage: Storage, worldName: string): Record<string, Point> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(PREFIX + worldName) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, Point> = {};
    for (const [id, p] of Object.entries(parsed as Record<string, unknown>)) {
      const { x, y } = (p ?? {}) as { x?: unknown; y?: unknown };
      if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y))
        out[id] = { x, y };
    }
    return out;
  } catch {
    // A corrupt entry is just forgotten: the default layout is always a good answer.
    return {};
  }
}

export function saveLayout(storage: Storage, worldName: string, positions: Record<string, Point>): void {
  try {
    storage.setItem(PREFIX + worldName, JSON.stringify(positions));
  } catch {
    // Storage full or disabled: dragging still works, it is just not remembered.
  }
}

export function clearLayout(storage: Storage, worldName: string): void {
  storage.removeItem(PREFIX + worldName);
}
