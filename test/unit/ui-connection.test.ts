import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import { TRACE_PAGE_LIMIT } from '../../renderer/src/api/client.js';
import { TraceConnection, type ConnectionStatus, type SocketLike } from '../../renderer/src/api/trace-connection.js';
import { TraceBuilder } from './ui-trace-fixture.js';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  open(): void {
    this.onopen?.(new Event('open'));
  }
  send(events: TraceEvent[]): void {
    this.onmessage?.({ data: JSON.stringify(events) } as MessageEvent);
  }
  drop(): void {
    this.onclose?.({ code: 1006, reason: '' } as CloseEvent);
  }
  close(): void {
    this.closed = true;
  }
}

test('the trace connection catches up by pages, goes live, and resumes from the last seq after a drop', async () => {
  const t = new TraceBuilder();
  const history = Array.from({ length: TRACE_PAGE_LIMIT + 3 }, () => t.event('world.started', { name: 'x' }));
  const traceCalls: number[] = [];
  const sockets: FakeSocket[] = [];
  let socketWaiter: ((s: FakeSocket) => void) | undefined;
  const nextSocket = () => new Promise<FakeSocket>((resolve) => (socketWaiter = resolve));
  const delivered: Array<{ seqs: number[]; live: boolean }> = [];
  const statuses: ConnectionStatus[] = [];

  const connection = new TraceConnection({
    api: {
      trace: async (since: number, limit = TRACE_PAGE_LIMIT) => {
        traceCalls.push(since);
        return history.filter((e) => e.seq > since).slice(0, limit);
      },
      traceStreamUrl: (since: number) => `ws://lab/api/trace/stream?token=T&since=${since}`,
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      socketWaiter?.(socket);
      return socket;
    },
    onEvents: (events, live) => delivered.push({ seqs: events.map((e) => e.seq), live }),
    onStatus: (status) => statuses.push(status),
    initialBackoffMs: 0,
  });
  const first = nextSocket();
  connection.start();
  const socket = await first;
  assert.deepEqual(traceCalls, [0, TRACE_PAGE_LIMIT], 'history is read page by page');
  assert.equal(socket.url, `ws://lab/api/trace/stream?token=T&since=${TRACE_PAGE_LIMIT + 3}`);
  assert.deepEqual(
    delivered.map((d) => [d.seqs.length, d.live]),
    [
      [TRACE_PAGE_LIMIT, false],
      [3, false],
    ],
    'history is not animated',
  );
  socket.open();
  assert.equal(statuses.at(-1)!.phase, 'live');

  const live = [t.event('world.started', { name: 'y' }), t.event('world.started', { name: 'z' })];
  socket.send(live);
  socket.onmessage?.({ data: 'not json' } as MessageEvent);
  assert.deepEqual(delivered.at(-1), { seqs: live.map((e) => e.seq), live: true });

  const second = nextSocket();
  socket.drop();
  assert.equal(statuses.at(-1)!.phase, 'offline');
  const resumed = await second;
  const lastSeq = live[1]!.seq;
  assert.equal(traceCalls.at(-1), lastSeq, 'the catch-up after a drop starts at the last seq seen');
  assert.equal(resumed.url, `ws://lab/api/trace/stream?token=T&since=${lastSeq}`);

  connection.stop();
  assert.equal(resumed.closed, true);
  assert.equal(statuses.at(-1)!.phase, 'stopped');
  assert.equal(sockets.length, 2);
});
