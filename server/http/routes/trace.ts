/** The recorded trace, page by page. The live stream is the WebSocket beside it. */
import { errorReply, json } from '../reply.js';
import type { Route } from '../router.js';
import { optionalCount } from './params.js';

export const TRACE_DEFAULT_LIMIT = 1000;
export const TRACE_MAX_LIMIT = 10_000;

export const traceRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/trace',
    handle: ({ facade, query }) => {
      const sinceSeq = optionalCount(query, 'since', 0);
      const requested = optionalCount(query, 'limit', TRACE_DEFAULT_LIMIT);
      if (requested < 1) return errorReply(400, 'limit must be at least 1');
      // A big page is capped rather than refused: the client pages on with since=<last seq>.
      const limit = Math.min(requested, TRACE_MAX_LIMIT);
      return json(200, facade.traceSince(sinceSeq, limit));
    },
  },
  {
    method: 'GET',
    pattern: '/api/trace/stream',
    handle: () =>
      errorReply(426, 'the trace stream is a WebSocket: connect with Upgrade: websocket', { upgrade: 'websocket' }),
  },
];
