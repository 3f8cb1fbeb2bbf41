import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventsOfTrace } from '../../renderer/src/fold/event-list.js';
import { nodeHealth } from '../../renderer/src/fold/faults.js';
import { foldEvents } from '../../renderer/src/fold/fold.js';
import { sweepTokens } from '../../renderer/src/fold/tokens.js';
import { DEFAULT_LIMITS, emptyFoldState, type FoldState } from '../../renderer/src/fold/types.js';
import { INTERNET_NODE, QUEUE_NODE, ROUTER_NODE, VERDICT_NODE } from '../../renderer/src/topology/logical.js';
import { LDAP, MTA, SMARTHOST, STORE_B, TraceBuilder } from './ui-trace-fixture.js';

const history = { nowMs: 0, animate: false, siteMta: MTA };
const live = (nowMs: number) => ({ nowMs, animate: true, siteMta: MTA });

describe('the UI fold', () => {
  test('a delivered message: status, path, counts, transcript, and the input state untouched', () => {
    const t = new TraceBuilder();
    const events = [...t.inboundToBob('msg_a'), t.attempt('msg_a', STORE_B, 1), ...t.storedAndDone('msg_a')];
    const before = emptyFoldState();
    const snapshot = structuredClone(before);
    const state = foldEvents(before, events, history);
    assert.deepEqual(before, snapshot, 'the fold never changes the state it is given');

    const m = state.messages.get('msg_a')!;
    assert.equal(m.status, 'delivered');
    assert.equal(m.sender, 'erin@example.com');
    assert.deepEqual(m.recipients, ['bob@siroe.example']);
    assert.equal(m.recipientStates['bob@siroe.example']!.host, STORE_B);
    assert.equal(m.inQueue, false);
    assert.deepEqual(m.storedAt, [`bob@siroe.example @ ${STORE_B}`]);
    for (const node of [INTERNET_NODE, MTA, VERDICT_NODE, QUEUE_NODE, ROUTER_NODE, STORE_B, LDAP]) {
      assert.ok(m.path.includes(node), `path has ${node}`);
    }
    assert.equal(state.queue.depth, 0);
    assert.equal(state.nodes.get(STORE_B)!.storedCount, 1);
    assert.equal(state.nodes.get(MTA)!.openSessions, 0, 'the SMTP session opened and closed');
    const session = state.sessions.get(`${MTA} smtp1`)!;
    assert.deepEqual(
      session.lines.map((l) => `${l.direction}: ${l.text}`),
      ['client: MAIL FROM:<erin@example.com>', 'server: 250 2.1.0 Ok'],
    );
    assert.equal(state.tokens.length, 0, 'history is not animated');
    assert.equal(state.lastSeq, events.length);
    assert.deepEqual(
      eventsOfTrace(state.events, state.eventsByTrace, 'msg_a').map((e) => e.kind),
      events.filter((e) => e.traceId === 'msg_a').map((e) => e.kind),
    );
  });

  test('live events become tokens that run in story order, and expire', () => {
    const t = new TraceBuilder();
    // As the server sends it: the outcome carries the link too, and must not ride it twice.
    const succeeded = t.event(
      'delivery.succeeded',
      { queueId: 'msg_a', recipient: 'bob@siroe.example', channel: 'ims-ms', host: STORE_B, code: 250, text: 'ok' },
      { traceId: 'msg_a', from: MTA, to: STORE_B },
    );
    const events = [...t.inboundToBob('msg_a'), t.attempt('msg_a', STORE_B, 1), succeeded];
    const state = foldEvents(emptyFoldState(), events, live(1000));
    const hops = state.tokens.filter((k) => k.kind !== 'pulse').map((k) => `${k.from} → ${k.to}`);
    // verdict.given comes before message.accepted in the trace; the picture still starts with the arrival.
    assert.deepEqual(hops, [
      `${INTERNET_NODE} → ${MTA}`,
      `${MTA} → ${VERDICT_NODE}`,
      `${VERDICT_NODE} → ${QUEUE_NODE}`,
      `${QUEUE_NODE} → ${ROUTER_NODE}`,
      `${ROUTER_NODE} → ${STORE_B}`,
    ]);
    const starts = state.tokens.filter((k) => k.kind !== 'pulse').map((k) => k.startedAt);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      'each hop starts after the one before',
    );
    assert.ok(starts[1]! > starts[0]!);
    const pulse = state.tokens.find((k) => k.kind === 'pulse')!;
    assert.deepEqual([pulse.from, pulse.to, pulse.startedAt], [MTA, LDAP, 1000], 'a lookup pulses at once');

    const lastEnd = Math.max(...state.tokens.map((k) => k.startedAt + k.durationMs));
    assert.equal(sweepTokens(state, 1000), state, 'nothing expired: same state');
    assert.equal(sweepTokens(state, lastEnd).tokens.length, 0);
  });

  test('a deferral parks the message in the queue with its next attempt, then a retry delivers it', () => {
    const t = new TraceBuilder();
    const nextAttemptAt = 1_900_000_000_000;
    let state = foldEvents(
      emptyFoldState(),
      [
        ...t.inboundToBob('msg_d'),
        t.attempt('msg_d', STORE_B, 1),
        t.event(
          'delivery.deferred',
          {
            queueId: 'msg_d',
            recipient: 'bob@siroe.example',
            channel: 'ims-ms',
            code: 451,
            text: 'store down',
            attempt: 1,
            nextAttemptAt,
          },
          { traceId: 'msg_d' },
        ),
      ],
      history,
    );
    let m = state.messages.get('msg_d')!;
    assert.equal(m.status, 'deferred');
    assert.equal(m.nextAttemptAt, nextAttemptAt);
    assert.deepEqual([...state.queue.deferred], ['msg_d']);
    assert.equal(state.queue.depth, 1);

    const retry = t.attempt('msg_d', STORE_B, 2);
    state = foldEvents(state, [retry], live(0));
    assert.equal(state.messages.get('msg_d')!.status, 'in flight');
    assert.deepEqual(
      state.tokens.map((k) => `${k.from} → ${k.to}`),
      [`${QUEUE_NODE} → ${ROUTER_NODE}`, `${ROUTER_NODE} → ${STORE_B}`],
      'a retry leaves from the queue',
    );
    state = foldEvents(state, t.storedAndDone('msg_d'), history);
    m = state.messages.get('msg_d')!;
    assert.equal(m.status, 'delivered');
    assert.equal(m.nextAttemptAt, undefined);
    assert.equal(state.queue.deferred.size, 0);
    assert.equal(state.queue.depth, 0);
  });

  test('a failure turns red and its DSN travels as a token of its own, linked to the original', () => {
    const t = new TraceBuilder();
    const setup = [...t.inboundToBob('msg_f'), t.attempt('msg_f', SMARTHOST, 1, 'gina@example.org')];
    let state = foldEvents(emptyFoldState(), setup, history);
    state = foldEvents(
      state,
      [
        t.event(
          'delivery.failed',
          {
            queueId: 'msg_f',
            recipient: 'gina@example.org',
            channel: 'tcp_local',
            host: SMARTHOST,
            code: 550,
            text: 'no such user',
          },
          { traceId: 'msg_f' },
        ),
        t.event(
          'dsn.generated',
          { queueId: 'msg_f', dsnQueueId: 'msg_dsn', recipients: ['gina@example.org'], action: 'failed' },
          { traceId: 'msg_dsn', causedBy: 'msg_f' },
        ),
        t.event(
          'message.queued',
          { queueId: 'msg_dsn', sender: '', recipients: ['erin@example.com'], sizeBytes: 900, source: 'dsn' },
          { traceId: 'msg_dsn', causedBy: 'msg_f' },
        ),
      ],
      live(0),
    );
    const original = state.messages.get('msg_f')!;
    assert.equal(original.recipientStates['gina@example.org']!.status, 'failed');
    assert.deepEqual(original.dsnTraceIds, ['msg_dsn']);
    const dsn = state.messages.get('msg_dsn')!;
    assert.equal(dsn.isDsn, true);
    assert.equal(dsn.causedBy, 'msg_f');
    assert.equal(dsn.sender, '');
    const failure = state.tokens.find((k) => k.kind === 'failure')!;
    assert.deepEqual([failure.from, failure.to], [SMARTHOST, ROUTER_NODE]);
    const dsnToken = state.tokens.find((k) => k.kind === 'dsn')!;
    assert.deepEqual([dsnToken.from, dsnToken.to, dsnToken.traceId], [ROUTER_NODE, QUEUE_NODE, 'msg_dsn']);
    assert.equal(dsnToken.colorTraceId, 'msg_f', 'a DSN wears the colour of the message it reports on');
  });

  test('another MTA of the world (the smarthost) is drawn by its links and not counted in the site queue', () => {
    const t = new TraceBuilder();
    const at = { node: SMARTHOST, traceId: 'msg_s' };
    const envelope = {
      queueId: 'msg_s',
      sender: 'alice@siroe.example',
      recipients: ['erin@example.com'],
      sizeBytes: 900,
    };
    const state = foldEvents(
      emptyFoldState(),
      [
        t.event('message.accepted', { sessionId: 'smtp1', ...envelope }, at),
        t.event('message.queued', { ...envelope, source: 'smtp' }, at),
        t.event(
          'route.resolved',
          {
            queueId: 'msg_s',
            recipient: 'erin@example.com',
            originalRecipient: 'erin@example.com',
            route: 'mx',
            host: 'example.com',
            channel: 'tcp_local',
            reason: 'MX',
          },
          at,
        ),
        t.event(
          'delivery.attempted',
          {
            queueId: 'msg_s',
            recipients: ['erin@example.com'],
            channel: 'tcp_local',
            host: 'example.com',
            attempt: 1,
            mx: 'mx1.example.com',
          },
          { ...at, from: SMARTHOST, to: 'mx1.example.com' },
        ),
      ],
      live(0),
    );
    assert.equal(state.queue.depth, 0, "the queue node is the site MTA's queue");
    assert.equal(state.messages.get('msg_s')!.mta, SMARTHOST);
    assert.deepEqual(
      state.tokens.map((k) => `${k.from} → ${k.to}`),
      [`${SMARTHOST} → mx1.example.com`],
    );
  });

  test('faults mark nodes down or faulted, by host or by domain, until cleared', () => {
    const t = new TraceBuilder();
    let state = foldEvents(
      emptyFoldState(),
      [
        t.event('fault.injected', { faultId: 'f1', target: 'mx1.example.com', kind: 'down', effect: 'down' }),
        t.event('fault.injected', { faultId: 'f2', target: 'example.com', kind: 'reply', effect: 'RCPT 550' }),
      ],
      history,
    );
    assert.equal(nodeHealth(state.faults, 'mx1.example.com'), 'down');
    assert.equal(nodeHealth(state.faults, 'mx2.example.com'), 'faulted');
    assert.equal(nodeHealth(state.faults, 'mx.example.net'), 'up');
    state = foldEvents(
      state,
      [t.event('fault.cleared', { faultId: 'f1' }), t.event('fault.cleared', { faultId: 'f2' })],
      history,
    );
    assert.equal(nodeHealth(state.faults, 'mx1.example.com'), 'up');
    assert.equal(nodeHealth(state.faults, 'mx2.example.com'), 'up');
  });

  test('a resumed stream that repeats events changes nothing', () => {
    const t = new TraceBuilder();
    const events = t.inboundToBob('msg_a');
    const state = foldEvents(emptyFoldState(), events, history);
    assert.equal(foldEvents(state, events.slice(3), history), state);
  });

  test('the event list and its index stay bounded', () => {
    const t = new TraceBuilder();
    const limits = { ...DEFAULT_LIMITS, events: 100 };
    let state: FoldState = emptyFoldState();
    for (let i = 0; i < 50; i++) state = foldEvents(state, t.inboundToBob(`msg_${i}`, `smtp${i}`), history, limits);
    assert.equal(state.events.length, 100);
    assert.equal(state.events[99]!.seq, state.lastSeq);
    const firstKept = state.events[0]!.seq;
    for (const [traceId, seqs] of state.eventsByTrace) {
      assert.ok(
        seqs.every((s) => s >= firstKept),
        `${traceId} indexes only kept events`,
      );
    }
    assert.ok(state.eventsByTrace.size <= 12, 'traces with no event left are dropped from the index');
  });

  test('10,000 events fold fast, in one batch or in many', () => {
    const t = new TraceBuilder();
    const events = [];
    for (let i = 0; events.length < 10_000; i++) {
      events.push(
        ...t.inboundToBob(`msg_${i}`, `smtp${i}`),
        t.attempt(`msg_${i}`, STORE_B, 1),
        ...t.storedAndDone(`msg_${i}`),
      );
    }
    let started = performance.now();
    const once = foldEvents(emptyFoldState(), events, live(0));
    const oneBatchMs = performance.now() - started;
    started = performance.now();
    let many: FoldState = emptyFoldState();
    for (let i = 0; i < events.length; i += 50) many = foldEvents(many, events.slice(i, i + 50), history);
    const manyBatchesMs = performance.now() - started;
    assert.equal(once.lastSeq, many.lastSeq);
    assert.equal(once.nodes.get(STORE_B)!.storedCount, many.nodes.get(STORE_B)!.storedCount);
    assert.ok(once.tokens.length <= DEFAULT_LIMITS.tokens, 'tokens are capped');
    // Generous bounds: they catch a quadratic fold (seconds), not a slow machine.
    assert.ok(oneBatchMs < 1000, `one batch took ${oneBatchMs.toFixed(0)} ms`);
    assert.ok(manyBatchesMs < 3000, `200 batches took ${manyBatchesMs.toFixed(0)} ms`);
  });

  test("a message relayed MTA to MTA is linked by the previous hop's queue id, so it can be followed across them", () => {
    const t = new TraceBuilder();
    const envelope = { sender: 'alice@siroe.example', recipients: ['erin@example.com'], sizeBytes: 300 };
    const events = [
      t.event(
        'message.accepted',
        { sessionId: 's1', queueId: 'msg_site', subject: 'Hello', ...envelope },
        {
          traceId: 'msg_site',
        },
      ),
      t.event(
        'message.accepted',
        { sessionId: 's2', queueId: 'msg_relay', upstreamQueueId: 'msg_site', ...envelope },
        { node: SMARTHOST, traceId: 'msg_relay' },
      ),
    ];
    const state = foldEvents(emptyFoldState(), events, history);
    assert.equal(state.messages.get('msg_relay')!.relayedFrom, 'msg_site');
    assert.deepEqual(state.messages.get('msg_site')!.relayedTo, ['msg_relay']);
    assert.equal(state.messages.get('msg_relay')!.subject, 'Hello', 'the subject carries over the hop');
  });
});
