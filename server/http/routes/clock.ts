/** Switch the world clock's mode, or step it forward: how a class watches retries happen. */
import { parseClockMode } from '../../core/clock.js';
import { ControlRequestError, type ClockRequest } from '../control-facade.js';
import { json } from '../reply.js';
import type { Route } from '../router.js';
import { clip } from './params.js';

/** A year: longer than any retry schedule, short enough to keep dates sane. */
export const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;

export const clockRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/clock',
    readsBody: true,
    handle: ({ facade, body }) => json(200, facade.setClock(parseClockRequest(body))),
  },
];

export function parseClockRequest(body: unknown): ClockRequest {
  const usage =
    'body must be a JSON object like {"mode":"stepped"}, {"mode":"scaled","factor":600} (or "scaled:600") or {"advanceMs":60000}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlRequestError(400, usage);
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => k !== 'mode' && k !== 'advanceMs' && k !== 'factor');
  if (unknown.length > 0) throw new ControlRequestError(400, `unknown field "${clip(unknown[0]!)}": ${usage}`);
  if (fields.mode === undefined && fields.advanceMs === undefined) throw new ControlRequestError(400, usage);
  const request: ClockRequest = {};
  if (fields.factor !== undefined) {
    // {"mode":"scaled","factor":N} is the same as {"mode":"scaled:N"}.
    if (fields.mode !== 'scaled' || typeof fields.factor !== 'number' || !(fields.factor > 0)) {
      throw new ControlRequestError(400, `factor goes with "mode":"scaled" and is a number above 0: ${usage}`);
    }
    request.mode = parseMode(`scaled:${fields.factor}`);
  } else if (fields.mode !== undefined) request.mode = parseMode(fields.mode);
  if (fields.advanceMs !== undefined) request.advanceMs = parseAdvance(fields.advanceMs);
  return request;
}

function parseMode(mode: unknown): string {
  if (typeof mode !== 'string') throw new ControlRequestError(400, 'mode must be a string: real, stepped or scaled:N');
  try {
    parseClockMode(mode);
  } catch (err) {
    throw new ControlRequestError(400, (err as Error).message.replace(mode, clip(mode)));
  }
  return mode;
}

function parseAdvance(advanceMs: unknown): number {
  if (typeof advanceMs !== 'number' || !Number.isInteger(advanceMs) || advanceMs < 0 || advanceMs > MAX_ADVANCE_MS) {
    throw new ControlRequestError(400, `advanceMs must be a whole number of milliseconds from 0 to ${MAX_ADVANCE_MS}`);
  }
  return advanceMs;
}
