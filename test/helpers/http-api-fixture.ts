// Shared setup for the control API tests (test/protocol/http-api-*.test.ts): a fake world
// behind a real ControlServer, raw HTTP requests and the checks every answer must pass.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import type { MailboxMessageView, WorldView } from '../../server/api/world-view.js';
import { formatClockMode, parseClockMode, WorldClock } from '../../server/core/clock.js';
import { WorldTracer } from '../../server/core/tracer.js';
import { ControlRequestError, type ControlFacade } from '../../server/http/control-facade.js';
import { FaultSwitches } from '../../server/core/faults.js';
import { ControlServer, type ControlServerOptions } from '../../server/http/control-server.js';
import type { HistoryRecord, QueuedMessage } from '../../server/queue/types.js';

export const TOKEN = 'a'.repeat(64);
export const START_AT = Date.UTC(2024, 0, 15, 9, 0, 0);

/** A fake world made of real pieces: a WorldClock, a WorldTracer with an array store. */
export function fakeWorld() {
  const clock = new WorldClock({ kind: 'stepped' }, undefined, START_AT);
  const stored: TraceEvent[] = [];
  const tracer = new WorldTracer(clock, { append: (_seq, json) => stored.push(JSON.parse(json) as TraceEvent) });
  let listenerCount = 0;
  const hooks: {
    afterSubscribe?: () => void;
    afterTraceSince?: () => void;
    failWorld?: boolean;
    /** Simulates a store that commits later than it tells subscribers. */
    storedUpTo?: number;
  } = {};
  const queue = new Map<string, QueuedMessage>([
    ['q1', queued('q1')],
    ['q2', queued('q2')],
  ]);
  const history: HistoryRecord[] = [
    {
      queueId: 'q1',
      at: START_AT,
      action: 'E',
      channel: 'tcp_local',
      sender: 'alice@siroe.example',
      recipient: 'erin@example.com',
      sizeBytes: 120,
      status: '',
    },
  ];
  const raw = Buffer.from('From: alice@siroe.example\r\nSubject: hi\r\n\r\n<script>x</script>\r\n');
  const inbox: MailboxMessageView[] = [
    {
      uid: 1,
      subject: 'hi',
      from: 'alice@siroe.example',
      to: 'bob@siroe.example',
      sizeBytes: raw.length,
      size: raw.length,
      flags: ['\\Seen'],
      internalDate: START_AT,
    },
  ];
  const mailboxes = new Map<string, MailboxMessageView[]>([
    ['bob@siroe.example|INBOX', inbox],
    ['bob@siroe.example|Archive/2024', []],
  ]);
  const world: WorldView = {
    name: 'siroe',
    clock: { mode: 'stepped', now: START_AT },
    hosts: [
      {
        name: 'mta.siroe.example',
        role: 'mta',
        label: '<b>MTA</b>',
        services: [{ protocol: 'smtp', port: 2525, address: '127.0.0.1' }],
      },
      {
        name: 'ldap.siroe.example',
        role: 'directory',
        services: [{ protocol: 'ldap', port: 1389, address: '127.0.0.1' }],
      },
    ],
    links: [{ from: 'mta.siroe.example', to: 'ldap.siroe.example', protocol: 'ldap' }],
  };
  const faults = new FaultSwitches({ tracer, node: 'web.siroe.example', now: () => clock.now() });
  const facade: ControlFacade = {
    world: () => {
      if (hooks.failWorld) throw new Error('world exploded');
      return world;
    },
    traceSince: (afterSeq, limit) => {
      const upTo = hooks.storedUpTo ?? Infinity;
      const page = stored.filter((e) => e.seq > afterSeq && e.seq <= upTo).slice(0, limit);
      hooks.afterTraceSince?.();
      return page;
    },
    subscribeTrace: (listener) => {
      const off = tracer.subscribeJson(listener);
      listenerCount++;
      hooks.afterSubscribe?.();
      return () => {
        listenerCount--;
        off();
      };
    },
    queue: () => [...queue.values()],
    queueMessage: (id) => {
      const message = queue.get(id);
      return message && { message, history: history.filter((h) => h.queueId === id) };
    },
    queueRaw: (id) => (queue.has(id) ? raw : undefined),
    queueAction: async (id, action) => {
      const message = queue.get(id);
      if (message && action === 'hold') message.status = 'held';
      return message;
    },
    mailbox: (address, folder) => mailboxes.get(`${address}|${folder}`),
    mailboxMessage: (address, folder, uid) =>
      mailboxes.get(`${address}|${folder}`)?.some((m) => m.uid === uid) ? { raw } : undefined,
    setClock: (request) => {
      if (request.mode !== undefined) clock.setMode(parseClockMode(request.mode));
      if (request.advanceMs !== undefined) {
        if (clock.mode().kind !== 'stepped') throw new ControlRequestError(409, 'advance needs the stepped clock');
        clock.advance(request.advanceMs);
      }
      return { mode: formatClockMode(clock.mode()), now: clock.now() };
    },
    // The fault switches are the real ones (they only record and trace); the rest is plain data.
    faults: () => faults.list(),
    addFault: async (spec) => faults.add(spec),
    removeFault: async (id) => faults.remove(id),
    compose: async (request) => ({ queueId: 'msg_composed', host: 'mta.siroe.example', response: request.from }),
    directory: () => ({ baseDn: 'o=siroe.example', users: [], groups: [] }),
    dns: () => [],
    mailboxes: () => [],
  };
  const emit = (args = '') =>
    tracer.emit({
      kind: 'smtp.command',
      node: 'mta.siroe.example',
      data: { sessionId: 's1', protocol: 'smtp', verb: 'NOOP', args },
    });
  return { facade, tracer, stored, hooks, clock, raw, emit, listeners: () => listenerCount };
}

function queued(queueId: string): QueuedMessage {
  return {
    queueId,
    traceId: `msg_${queueId}`,
    sender: 'alice@siroe.example',
    sizeBytes: 120,
    source: 'submission',
    origin: '127.0.0.1',
    receivedAt: START_AT,
    status: 'queued',
    recipients: [],
  };
}

export async function startLab(t: TestContext, extra: Partial<ControlServerOptions> = {}) {
  const world = fakeWorld();
  const server = new ControlServer({
    facade: world.facade,
    token: TOKEN,
    bindAddress: '127.0.0.1',
    node: 'web.siroe.example',
    ...extra,
  });
  const port = await server.listen(0);
  t.after(() => server.close());
  const send = (method: string, target: string, headers: Record<string, string> = {}, body?: string | Buffer) =>
    rawRequest(port, method, target, { host: `127.0.0.1:${port}`, ...headers }, body);
  const auth = { authorization: `Bearer ${TOKEN}` };
  return {
    world,
    server,
    port,
    send,
    get: (target: string, headers: Record<string, string> = auth) => send('GET', target, headers),
    post: (target: string, body?: string | Buffer, headers: Record<string, string> = auth) =>
      send('POST', target, headers, body),
    wsUrl: (query: string) => `ws://127.0.0.1:${port}/api/trace/stream?${query}`,
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: Buffer;
}

/** http.request rather than fetch: it lets a test set any Host header. */
function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const jsonOf = (r: RawResponse): unknown => JSON.parse(r.text);

export function assertSecurityHeaders(r: RawResponse): void {
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  assert.equal(
    Object.keys(r.headers).some((h) => h.startsWith('access-control-')),
    false,
  );
}

export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
