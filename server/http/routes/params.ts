/** Strict parsing of numbers in paths and query strings: garbage is a 400, never NaN. */
import { ControlRequestError } from '../control-facade.js';

export function parseCount(text: string, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d{1,16}$/.test(text)) {
    throw new ControlRequestError(400, `${name} must be a non-negative integer, not "${clip(text)}"`);
  }
  const value = Number(text);
  if (value > max) throw new ControlRequestError(400, `${name} must be at most ${max}`);
  return value;
}

export function optionalCount(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  return text === null ? fallback : parseCount(text, name);
}

/** Keep echoed input short: error messages are for people. */
export function clip(text: string, maxChars = 40): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
