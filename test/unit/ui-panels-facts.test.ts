/** What the inspector derives from the fold: related traces, timeline, sessions, routing, stored copies. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldEvents } from '../../renderer/src/fold/fold.js';
import { emptyFoldState } from '../../renderer/src/fold/types.js';
import {
  eventsOfTraces,
  relatedTraces,
  routingFacts,
  sessionsOf,
  storedCopies,
  timeline,
  traceOfStored,
  verdictOf,
} from '../../renderer/src/panels/inspector/message-facts.js';
import { MTA, SMARTHOST, STORE_B, TraceBuilder } from './ui-trace-fixture.js';

const history = { nowMs: 0, animate: false, siteMta: MTA };

/** alice → erin: the site MTA hands it to the smarthost, which queues its own copy and defers it. */
function outbound(t: TraceBuilder) {
  const site = 'msg_site';
  const hop = 'msg_hop';
  return [
    t.event(
      'message.accepted',
      {
        sessionId: 'submission1',
        queueId: site,
        sender: 'alice@siroe.example',
        recipients: ['erin@example.com'],
        sizeBytes: 700,
      },
      { traceId: site },
    ),
    t.event(
      'message.queued',
      {
        queueId: site,
        sender: 'alice@siroe.example',
        recipients: ['erin@example.com'],
        sizeBytes: 700,
        source: 'submission',
      },
      { traceId: site },
    ),
    t.event(
      'route.resolved',
      {
        queueId: site,
        recipient: 'erin@example.com',
        originalRecipient: 'erin@example.com',
        route: 'smarthost',
        host: SMARTHOST,
        channel: 'tcp_local',
        reason: 'not a site domain: via the smarthost',
      },
      { traceId: site },
    ),
    t.event(
      'delivery.attempted',
      { queueId: site, recipients: ['erin@example.com'], channel: 'tcp_local', host: SMARTHOST, attempt: 1 },
      { from: MTA, to: SMARTHOST, traceId: site },
    ),
    t.event(
      'session.opened',
      { sessionId: 'smtp1', protocol: 'smtp', remoteAddress: '127.0.0.1', remotePort: 1, localPort: 2 },
      { node: SMARTHOST },
    ),
    t.event(
      'smtp.command',
      { sessionId: 'smtp1', protocol: 'smtp', verb: 'MAIL', args: 'FROM:<alice@siroe.example>' },
      { node: SMARTHOST },
    ),
    t.event(
      'message.accepted',
      {
        sessionId: 'smtp1',
        queueId: hop,
        sender: 'alice@siroe.example',
        recipients: ['erin@example.com'],
        sizeBytes: 900,
      },
      { node: SMARTHOST, traceId: hop },
    ),
    t.event(
      'message.queued',
      { queueId: hop, sender: 'alice@siroe.example', recipients: ['erin@example.com'], sizeBytes: 900, source: 'smtp' },
      { node: SMARTHOST, traceId: hop },
    ),
    t.event(
      'delivery.succeeded',
      {
        queueId: site,
        recipient: 'erin@example.com',
        channel: 'tcp_local',
        host: SMARTHOST,
        code: 250,
        text: `smarthost said: 250 2.0.0 Ok: queued as ${hop}`,
      },
      { traceId: site, stepMs: 40 },
    ),
    t.event(
      'dns.answered',
      {
        name: 'example.com',
        type: 'MX',
        rcode: 'NOERROR',
        answers: ['10 mx1.example.com'],
        transport: 'udp',
        remoteAddress: '127.0.0.1',
        remotePort: 3,
      },
      { node: 'ns.siroe.example', from: SMARTHOST, to: 'ns.siroe.example', traceId: hop },
    ),
    t.event(
      'delivery.deferred',
      {
        queueId: hop,
        recipient: 'erin@example.com',
        channel: 'tcp_intranet',
        host: 'example.com',
        code: 451,
        text: 'connection refused',
        attempt: 1,
        nextAttemptAt: 1,
      },
      { node: SMARTHOST, traceId: hop },
    ),
  ];
}

describe('inspector facts', () => {
  test('the next hop is found by "queued as", the previous hop from the copy', () => {
    const t = new TraceBuilder();
    const fold = foldEvents(emptyFoldState(), outbound(t), history);
    assert.deepEqual(relatedTraces(fold, 'msg_site'), [
      { traceId: 'msg_site', relation: 'this message', host: MTA },
      { traceId: 'msg_hop', relation: 'next hop', host: SMARTHOST },
    ]);
    assert.deepEqual(
      relatedTraces(fold, 'msg_hop').map((r) => [r.traceId, r.relation]),
      [
        ['msg_hop', 'this message'],
        ['msg_site', 'previous hop'],
      ],
    );
  });

  test('the fold\'s upstreamQueueId link is enough: no "queued as" text needed', () => {
    const t = new TraceBuilder();
    const events = outbound(t).map((e) => {
      if (e.kind === 'message.accepted' && e.traceId === 'msg_hop')
        return { ...e, data: { ...e.data, upstreamQueueId: 'msg_site' } };
      if (e.kind === 'delivery.succeeded') return { ...e, data: { ...e.data, text: '250 ok' } };
      return e;
    });
    const fold = foldEvents(emptyFoldState(), events, history);
    assert.deepEqual(
      relatedTraces(fold, 'msg_site').map((r) => [r.traceId, r.relation]),
      [
        ['msg_site', 'this message'],
        ['msg_hop', 'next hop'],
      ],
    );
    assert.deepEqual(
      relatedTraces(fold, 'msg_hop').map((r) => [r.traceId, r.relation]),
      [
        ['msg_hop', 'this message'],
        ['msg_site', 'previous hop'],
      ],
    );
  });

  test('the timeline spans both hops, with the attempt timed to its outcome', () => {
    const t = new TraceBuilder();
    const fold = foldEvents(emptyFoldState(), outbound(t), history);
    const events = eventsOfTraces(fold, ['msg_site', 'msg_hop']);
    const steps = timeline(events);
    assert.deepEqual(
      steps.map((s) => s.event.kind),
      [
        'message.accepted',
        'message.queued',
        'route.resolved',
        'delivery.attempted',
        'message.accepted',
        'message.queued',
        'delivery.succeeded',
        'dns.answered',
        'delivery.deferred',
      ],
    );
    const attempt = steps.find((s) => s.event.kind === 'delivery.attempted')!;
    const success = steps.find((s) => s.event.kind === 'delivery.succeeded')!;
    assert.equal(attempt.durationMs, success.event.at - attempt.event.at);
    assert.ok(attempt.durationMs! >= 40);
    assert.deepEqual(
      steps.filter((s) => s.hopStart).map((s) => s.host),
      [MTA, SMARTHOST, MTA, SMARTHOST],
      'a DNS answer counts for the host that asked',
    );
    assert.equal(steps[0]!.sinceStartMs, 0);
    assert.equal(steps[1]!.deltaMs, steps[1]!.event.at - steps[0]!.event.at);
  });

  test('sessions: where it was accepted (exact) and the session its attempt opened (by order)', () => {
    const t = new TraceBuilder();
    const fold = foldEvents(emptyFoldState(), outbound(t), history);
    const refs = sessionsOf(fold, eventsOfTraces(fold, ['msg_site']));
    assert.deepEqual(
      refs.map((r) => [r.key, r.how]),
      [
        [`${MTA} submission1`, 'received msg_site'],
        [`${SMARTHOST} smtp1`, 'delivery attempt 1 (matched by time)'],
      ],
    );
    assert.equal(fold.sessions.get(`${SMARTHOST} smtp1`)!.lines[0]!.text, 'MAIL FROM:<alice@siroe.example>');
  });

  test('an attempt refused before any session opens is matched to none', () => {
    const t = new TraceBuilder();
    const events = [
      t.attempt('msg_x', STORE_B, 1),
      t.event(
        'delivery.deferred',
        { queueId: 'msg_x', recipient: 'bob@siroe.example', channel: 'ims-ms', text: 'refused', attempt: 1 },
        { traceId: 'msg_x' },
      ),
      t.event(
        'session.opened',
        { sessionId: 'lmtp9', protocol: 'lmtp', remoteAddress: '127.0.0.1', remotePort: 1, localPort: 2 },
        { node: STORE_B },
      ),
    ];
    const fold = foldEvents(emptyFoldState(), events, history);
    assert.deepEqual(sessionsOf(fold, eventsOfTraces(fold, ['msg_x'])), []);
  });

  test('routing facts, verdict and stored copies of a delivered message; a stored copy leads back to its trace', () => {
    const t = new TraceBuilder();
    const events = [...t.inboundToBob('msg_a'), t.attempt('msg_a', STORE_B, 1), ...t.storedAndDone('msg_a')];
    const fold = foldEvents(emptyFoldState(), events, history);
    const own = eventsOfTraces(fold, ['msg_a']);
    const routing = routingFacts(own);
    assert.deepEqual(
      routing.routes.map((r) => [r.data.recipient, r.data.route, r.data.host, r.data.reason]),
      [['bob@siroe.example', 'store', STORE_B, 'mailHost']],
    );
    assert.equal(routing.lookups.length, 1);
    assert.equal(verdictOf(own)?.data.spam, 'clean');
    assert.deepEqual(storedCopies(own), [
      { address: 'bob@siroe.example', folder: 'INBOX', uid: 1, node: STORE_B, traceId: 'msg_a' },
    ]);
    assert.equal(traceOfStored(fold.events, { address: 'BOB@siroe.example', folder: 'INBOX', uid: 1 }), 'msg_a');
    assert.equal(traceOfStored(fold.events, { address: 'bob@siroe.example', folder: 'INBOX', uid: 2 }), undefined);
  });

  test('a DSN joins its original; a mail loop of "queued as" stays bounded', () => {
    const t = new TraceBuilder();
    const events = [
      ...t.inboundToBob('msg_a'),
      t.event(
        'dsn.generated',
        { queueId: 'msg_a', dsnQueueId: 'msg_d', recipients: ['bob@siroe.example'], action: 'failed' },
        { traceId: 'msg_d', causedBy: 'msg_a' },
      ),
      // Two copies that each claim the other as their next hop.
      t.event(
        'delivery.succeeded',
        { queueId: 'msg_l1', recipient: 'x@y', channel: 'c', host: 'h', code: 250, text: 'queued as msg_l2' },
        { traceId: 'msg_l1' },
      ),
      t.event(
        'delivery.succeeded',
        { queueId: 'msg_l2', recipient: 'x@y', channel: 'c', host: 'h', code: 250, text: 'queued as msg_l1' },
        { traceId: 'msg_l2' },
      ),
    ];
    const fold = foldEvents(emptyFoldState(), events, history);
    assert.deepEqual(
      relatedTraces(fold, 'msg_a').map((r) => [r.traceId, r.relation]),
      [
        ['msg_a', 'this message'],
        ['msg_d', 'DSN'],
      ],
    );
    assert.deepEqual(
      relatedTraces(fold, 'msg_d').map((r) => r.relation),
      ['this message', 'original'],
    );
    assert.deepEqual(
      relatedTraces(fold, 'msg_l1').map((r) => r.traceId),
      ['msg_l1', 'msg_l2'],
    );
  });
});
