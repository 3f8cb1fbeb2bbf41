/**
 * One colour per message, stable across reloads (a hash of its trace id), from the
 * Okabe–Ito palette, which stays distinguishable with the common colour-vision
 * deficiencies. Vermillion is kept for failures only, so a red dot always means one.
 */
const MESSAGE_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#CC79A7'] as const;
export const FAILURE_COLOUR = '#D55E00';
export const NEUTRAL_COLOUR = '#9aa0a6';

/** FNV-1a, 32 bit: tiny, stable and well spread for short ids. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function traceColour(traceId: string | undefined): string {
  if (traceId === undefined) return NEUTRAL_COLOUR;
  return MESSAGE_COLOURS[hashString(traceId) % MESSAGE_COLOURS.length]!;
}
