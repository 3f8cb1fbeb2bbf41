/** The queue as an operator sees it (cf. the classic `imsimta qm`), and its actions. */
import { isQueueAction, QUEUE_ACTIONS } from '../control-facade.js';
import { errorReply, json } from '../reply.js';
import type { Route } from '../router.js';
import { clip } from './params.js';

export const queueRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/queue',
    // ?host= shows another MTA host's queue (the smarthost's, an Internet MX's); default the site MTA's.
    handle: ({ facade, query }) => json(200, facade.queue(query.get('host') ?? undefined)),
  },
  {
    method: 'GET',
    pattern: '/api/queue/:id',
    handle: ({ facade, params }) => {
      const found = facade.queueMessage(params.id!);
      return found ? json(200, found) : errorReply(404, `no message ${clip(params.id!)} in the queue`);
    },
  },
  {
    method: 'GET',
    pattern: '/api/queue/:id/raw',
    handle: ({ facade, params }) => {
      const raw = facade.queueRaw(params.id!);
      if (!raw) return errorReply(404, `no message ${clip(params.id!)} waiting in a queue`);
      // Mail is hostile input: never let a browser run anything in it.
      return {
        kind: 'bytes',
        status: 200,
        body: raw,
        contentType: 'message/rfc822',
        headers: { 'content-security-policy': 'sandbox' },
      };
    },
  },
  {
    method: 'POST',
    pattern: '/api/queue/:id/:action',
    handle: async ({ facade, params }) => {
      const action = params.action!;
      // The action is checked first: a typo must read as a typo, not as "no such message".
      if (!isQueueAction(action)) {
        return errorReply(400, `unknown action "${clip(action)}": use one of ${QUEUE_ACTIONS.join(', ')}`);
      }
      const message = await facade.queueAction(params.id!, action);
      return message ? json(200, message) : errorReply(404, `no message ${clip(params.id!)} in the queue`);
    },
  },
];
