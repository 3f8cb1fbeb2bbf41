/** Every control API route, in one table. */
import type { Route } from '../router.js';
import { clockRoutes } from './clock.js';
import { faultRoutes } from './faults.js';
import { labRoutes } from './lab.js';
import { mailboxRoutes } from './mailboxes.js';
import { queueRoutes } from './queue.js';
import { traceRoutes } from './trace.js';
import { worldRoutes } from './world.js';

export function apiRoutes(): Route[] {
  return [
    ...worldRoutes,
    ...traceRoutes,
    ...queueRoutes,
    ...mailboxRoutes,
    ...clockRoutes,
    ...faultRoutes,
    ...labRoutes,
  ];
}
