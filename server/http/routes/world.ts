/** The world as the diagram draws it, and a liveness probe for scripts. */
import { json } from '../reply.js';
import type { Route } from '../router.js';

export const worldRoutes: Route[] = [
  { method: 'GET', pattern: '/api/world', handle: ({ facade }) => json(200, facade.world()) },
  // Still behind the token: a probe must not tell a stranger the lab is here.
  { method: 'GET', pattern: '/api/health', handle: () => json(200, { ok: true }) },
];
