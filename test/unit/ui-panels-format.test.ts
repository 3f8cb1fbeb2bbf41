/**
 * The panels' pure rules: countdowns and durations, the clock step, keyboard shortcuts,
 * queue states, and the requests the panels send — checked against the server's own
 * parsers and types, so the browser's mirrors of them cannot drift unnoticed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TraceEvent } from '../../server/api/trace.js';
import type { WorldView } from '../../server/api/world-view.js';
import type { FaultSpec } from '../../server/core/faults.js';
import { parseFault } from '../../server/http/routes/faults.js';
import { parseCompose } from '../../server/http/routes/lab.js';
import type { QueuedMessage, HistoryRecord } from '../../server/queue/types.js';
import type { LabFaultSpec, QueueHistoryView, QueuedMessageView } from '../../renderer/src/api/client.js';
import {
  PRESETS,
  EICAR_BASE64,
  GTUBE,
  toComposeRequest,
  EMPTY_FORM,
} from '../../renderer/src/panels/compose/presets.js';
import {
  DEFAULT_PARAMS,
  FAULT_KINDS,
  buildFault,
  faultTargets,
  nextStepMs,
} from '../../renderer/src/panels/faults/fault-forms.js';
import {
  actionsFor,
  lastQueueEventSeq,
  recipientState,
  summarizeQueue,
} from '../../renderer/src/panels/queue/queue-view.js';
import {
  describeClockMode,
  formatBytes,
  formatCountdown,
  formatDuration,
} from '../../renderer/src/panels/shared/format.js';
import { initialTheme } from '../../renderer/src/panels/view/view-prefs.js';
import { shortcutFor, type KeyLike } from '../../renderer/src/panels/view/shortcuts.js';

// Compile-time: the server's types fit the renderer's mirrors (and back, for faults).
const _queued = (m: QueuedMessage): QueuedMessageView => m;
const _history = (h: HistoryRecord): QueueHistoryView => h;
const _faultOut = (f: LabFaultSpec): FaultSpec => f;
const _faultIn = (f: FaultSpec): LabFaultSpec => f;
void [_queued, _history, _faultOut, _faultIn];

const MIN = 60_000;

describe('formatting', () => {
  test('countdowns read like a person says them', () => {
    assert.equal(formatCountdown(-5), 'due now');
    assert.equal(formatCountdown(0), 'due now');
    assert.equal(formatCountdown(1), 'in 1 s');
    assert.equal(formatCountdown(42_000), 'in 42 s');
    assert.equal(formatCountdown(60 * MIN - 2000), 'in 59 min 58 s');
    assert.equal(formatCountdown(60 * MIN), 'in 1 h 00 min');
    assert.equal(formatCountdown(185 * MIN), 'in 3 h 05 min');
    assert.equal(formatCountdown(52 * 60 * MIN), 'in 2 d 4 h');
    assert.equal(formatCountdown(Number.NaN), 'due now');
  });

  test('durations, sizes and clock modes', () => {
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(12.4), '12 ms');
    assert.equal(formatDuration(1400), '1.4 s');
    assert.equal(formatDuration(200_000), '3 min 20 s');
    assert.equal(formatDuration(130 * MIN), '2 h 10 min');
    assert.equal(formatDuration(-1), '—');
    assert.equal(formatBytes(900), '900 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(describeClockMode('scaled:600'), 'scaled ×600');
    assert.equal(describeClockMode('stepped'), 'stepped');
  });
});

describe('clock step and keyboard', () => {
  test('→ steps to the earliest next attempt still ahead, else one minute', () => {
    assert.deepEqual(nextStepMs([undefined, 5_000 + 60 * MIN, 5_000 + 30 * MIN, 1_000], 5_000), {
      advanceMs: 30 * MIN,
      reason: 'to the next retry',
    });
    assert.deepEqual(nextStepMs([], 5_000), { advanceMs: MIN, reason: '+1 min' });
  });

  test('shortcuts map keys to commands and never steal typing or modified keys', () => {
    const key = (k: string, more: Partial<KeyLike> = {}): KeyLike => ({
      key: k,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      ...more,
    });
    assert.equal(shortcutFor(key(' ')), 'toggle-pause');
    assert.equal(shortcutFor(key('ArrowRight')), 'step-clock');
    assert.equal(shortcutFor(key('F')), 'follow');
    assert.equal(shortcutFor(key('p')), 'presenter');
    assert.equal(shortcutFor(key('?')), 'help');
    assert.equal(shortcutFor(key('x')), undefined);
    assert.equal(shortcutFor(key('p', { ctrlKey: true })), undefined);
    assert.equal(shortcutFor(key('p', { targetTag: 'INPUT', targetType: 'text' })), undefined);
    assert.equal(shortcutFor(key(' ', { targetTag: 'TEXTAREA' })), undefined);
    assert.equal(shortcutFor(key('f', { targetEditable: true })), undefined);
    assert.equal(shortcutFor(key('p', { targetTag: 'INPUT', targetType: 'checkbox' })), 'presenter');
    assert.equal(shortcutFor(key(' ', { targetTag: 'BUTTON' })), 'toggle-pause');
  });

  test('the theme is remembered, else the system preference', () => {
    const storage = (value: string | null) => ({ getItem: () => value, setItem: () => undefined });
    assert.equal(initialTheme(storage('dark'), false), 'dark');
    assert.equal(initialTheme(storage(null), true), 'dark');
    assert.equal(initialTheme(storage('purple'), false), 'light');
  });
});

describe('queue view', () => {
  const recipient = (status: QueuedMessageView['recipients'][number]['status'], attempts: number) => ({
    queueId: 'q',
    recipientId: 1,
    address: 'erin@example.com',
    originalAddress: 'erin@example.com',
    status,
    attempts,
    nextAttemptAt: 0,
    updatedAt: 0,
  });
  const message = (status: QueuedMessageView['status'], attempts = 1): QueuedMessageView => ({
    queueId: 'q',
    traceId: 'q',
    sender: 'a@b',
    sizeBytes: 1,
    source: 'smtp',
    origin: '',
    receivedAt: 0,
    status,
    recipients: [recipient('pending', attempts)],
  });

  test('a tried pending recipient is deferred; actions follow the message state', () => {
    assert.equal(recipientState(recipient('pending', 0)), 'waiting');
    assert.equal(recipientState(recipient('pending', 2)), 'deferred');
    assert.equal(recipientState(recipient('active', 1)), 'in flight');
    assert.deepEqual(actionsFor(message('queued')), ['hold', 'retry', 'return', 'delete']);
    assert.deepEqual(actionsFor(message('held')), ['release', 'return', 'delete']);
    assert.deepEqual(actionsFor(message('done')), []);
    assert.deepEqual(summarizeQueue([message('queued'), message('held'), message('queued', 0)]), {
      messages: 3,
      held: 1,
      deferred: 1,
    });
  });

  test('the queue reloads on that host’s queue events and on clock changes only', () => {
    const e = (seq: number, kind: TraceEvent['kind'], node: string) =>
      ({ seq, at: 0, kind, node, data: {} }) as TraceEvent;
    const events = [
      e(1, 'message.queued', 'smarthost.siroe.example'),
      e(2, 'delivery.deferred', 'mta.siroe.example'),
      e(3, 'smtp.command', 'smarthost.siroe.example'),
    ];
    assert.equal(lastQueueEventSeq(events, 'smarthost.siroe.example'), 1);
    assert.equal(lastQueueEventSeq(events, 'mta.siroe.example'), 2);
    assert.equal(
      lastQueueEventSeq([...events, e(4, 'clock.changed', 'mta.siroe.example')], 'smarthost.siroe.example'),
      4,
    );
    assert.equal(lastQueueEventSeq([], 'x'), 0);
  });
});

describe('requests the panels send', () => {
  const world: WorldView = {
    name: 'w',
    clock: { mode: 'real', now: 0 },
    links: [],
    hosts: [
      { name: 'mta.siroe.example', role: 'mta', services: [{ protocol: 'smtp', port: 1, address: '127.0.0.1' }] },
      {
        name: 'ldap.siroe.example',
        role: 'directory',
        services: [{ protocol: 'ldap', port: 2, address: '127.0.0.1' }],
      },
      { name: 'web.siroe.example', role: 'web', services: [{ protocol: 'http', port: 3, address: '127.0.0.1' }] },
    ],
  };

  test('every fault kind builds a fault the server accepts, aimed at targets of this world', () => {
    for (const kind of FAULT_KINDS) {
      const targets = faultTargets(kind, world, ['alice@siroe.example'], ['siroe.example']);
      assert.ok(targets.length > 0, kind);
      if (kind === 'down') assert.ok(!targets.includes('web.siroe.example'), 'the UI cannot switch off its own host');
      const spec = buildFault(kind, targets[0]!, DEFAULT_PARAMS);
      assert.deepEqual(parseFault(JSON.parse(JSON.stringify(spec))), JSON.parse(JSON.stringify(spec)));
    }
    assert.deepEqual(faultTargets('slow', world, [], []), ['mta.siroe.example']);
    // An enhanced code of the wrong class is left out rather than refused.
    const reply = buildFault('reply', 'mta.siroe.example', { ...DEFAULT_PARAMS, code: 550, enhanced: '4.3.0' });
    assert.equal((reply as { enhanced?: string }).enhanced, undefined);
    parseFault(JSON.parse(JSON.stringify(reply)));
  });

  test('every compose preset is a request the server accepts', () => {
    for (const preset of PRESETS) {
      const request = toComposeRequest(preset.form);
      assert.deepEqual(parseCompose(request), request, preset.id);
    }
    const eicar = toComposeRequest(PRESETS.find((p) => p.id === 'eicar')!.form);
    assert.match(
      Buffer.from(eicar.attachments![0]!.contentBase64, 'base64').toString('latin1'),
      /^X5O!P%@AP\[4\\PZX54\(P\^\)7CC\)7\}\$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!\$H\+H\*$/,
    );
    assert.equal(EICAR_BASE64.length % 4, 0);
    assert.match(
      toComposeRequest(PRESETS.find((p) => p.id === 'gtube')!.form).text!,
      new RegExp(GTUBE.replace(/[*.]/g, '\\$&')),
    );
    const bank = toComposeRequest(PRESETS.find((p) => p.id === 'forged-bank')!.form);
    assert.deepEqual(
      [bank.from, bank.via, bank.host, bank.to],
      ['security@bank.example', 'internet', 'mx.example.org', ['bob@siroe.example']],
    );
  });

  test('typed address lists split on commas, semicolons and spaces; empty fields are left out', () => {
    const request = toComposeRequest({
      ...EMPTY_FORM,
      to: ' bob@siroe.example,carol@siroe.example; dave@eng.siroe.example ',
      cc: '',
    });
    assert.deepEqual(request, {
      from: 'alice@siroe.example',
      to: ['bob@siroe.example', 'carol@siroe.example', 'dave@eng.siroe.example'],
    });
  });
});
