/**
 * Faults and clock: turn a failure on with one click (a host down or slow, a forced
 * SMTP reply, a DNS error, a user's status), see and remove the active ones; switch the
 * world clock (real, scaled, stepped) and step it forward to watch retries happen.
 */
import '../../styles/panels.css';
import { useMemo, useState } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import { actions } from '../../state/app-state.js';
import { shallowEqualArrays } from '../../state/store.js';
import type { PanelDefinition } from '../registry.js';
import { describeClockMode, formatWorldDateTime } from '../shared/format.js';
import { useAction, useLoad, useWorldNow } from '../shared/hooks.js';
import {
  CLOCK_MODES,
  CLOCK_STEPS,
  DEFAULT_PARAMS,
  DNS_RCODES,
  FAULT_HELP,
  FAULT_KINDS,
  REPLY_COMMANDS,
  USER_STATUSES,
  buildFault,
  faultTargets,
  nextStepMs,
  type FaultKind,
  type FaultParams,
} from './fault-forms.js';

function ClockSection() {
  const { store } = useServices();
  const mode = useAppState((s) => s.clock?.mode);
  const now = useWorldNow(500);
  const action = useAction();
  const setClock = async (request: { mode?: string; advanceMs?: number }) => {
    const clock = await action.run((api) => api.setClock(request));
    if (clock) actions.clockReported(store, clock);
  };
  const step = () => {
    const { advanceMs } = nextStepMs(
      [...store.get().fold.messages.values()].map((m) => m.nextAttemptAt),
      now,
    );
    void setClock({ advanceMs });
  };
  return (
    <section className="panel-section" aria-label="world clock">
      <h3>World clock</h3>
      <p className="clock-now" data-testid="clock-now">
        {formatWorldDateTime(now)} <span className="muted">· {describeClockMode(mode)}</span>
      </p>
      <div className="segmented" role="group" aria-label="clock mode">
        {CLOCK_MODES.map((m) => (
          <button
            key={m.mode}
            type="button"
            aria-pressed={mode === m.mode}
            disabled={action.busy}
            onClick={() => void setClock({ mode: m.mode })}
          >
            {m.label}
          </button>
        ))}
      </div>
      <div className="button-row" role="group" aria-label="advance the clock">
        {CLOCK_STEPS.map((s) => (
          <button
            key={s.label}
            type="button"
            disabled={action.busy}
            onClick={() => void setClock({ advanceMs: s.advanceMs })}
          >
            {s.label}
          </button>
        ))}
        <button type="button" disabled={action.busy} onClick={step} title="advance to the next retry (or 1 min); key →">
          next retry →
        </button>
      </div>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </section>
  );
}

function FaultRow({ kind, targets, onAdded }: { kind: FaultKind; targets: readonly string[]; onAdded(): void }) {
  const [target, setTarget] = useState('');
  const [params, setParams] = useState<FaultParams>(DEFAULT_PARAMS);
  const action = useAction();
  const chosen = target || targets[0] || '';
  const set = (change: Partial<FaultParams>) => setParams((p) => ({ ...p, ...change }));
  const add = async () => {
    await action.run((api) => api.addFault(buildFault(kind, chosen, params)));
    onAdded();
  };
  return (
    <div className="fault-row" data-testid={`fault-row-${kind}`}>
      <strong className="fault-row__kind" title={FAULT_HELP[kind]}>
        {kind}
      </strong>
      <select aria-label={`${kind} target`} value={chosen} onChange={(e) => setTarget(e.target.value)}>
        {targets.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      {kind === 'slow' && (
        <label>
          <input
            aria-label="delay ms"
            type="number"
            min={1}
            max={120000}
            value={params.delayMs}
            onChange={(e) => set({ delayMs: Number(e.target.value) })}
          />{' '}
          ms
        </label>
      )}
      {kind === 'reply' && (
        <>
          <select
            aria-label="reply command"
            value={params.command}
            onChange={(e) => set({ command: e.target.value as FaultParams['command'] })}
          >
            {REPLY_COMMANDS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <input
            aria-label="reply code"
            type="number"
            min={400}
            max={599}
            value={params.code}
            onChange={(e) => set({ code: Number(e.target.value) })}
          />
          <input aria-label="reply text" value={params.text} onChange={(e) => set({ text: e.target.value })} />
        </>
      )}
      {kind === 'dns' && (
        <select
          aria-label="dns rcode"
          value={params.rcode}
          onChange={(e) => set({ rcode: e.target.value as FaultParams['rcode'] })}
        >
          {DNS_RCODES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      )}
      {kind === 'user' && (
        <select
          aria-label="user status"
          value={params.status}
          onChange={(e) => set({ status: e.target.value as FaultParams['status'] })}
        >
          {USER_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      )}
      <button type="button" className="primary" disabled={!chosen || action.busy} onClick={() => void add()}>
        turn on {kind}
      </button>
      {action.error && (
        <span className="error" role="alert">
          {action.error}
        </span>
      )}
    </div>
  );
}

function FaultsSection() {
  const world = useAppState((s) => s.world);
  const users = useAppState((s) => (s.users ?? []).map((u) => u.mail), shallowEqualArrays);
  // The fold's fault map changes on every fault.injected / fault.cleared: reload then.
  const foldFaults = useAppState((s) => s.fold.faults);
  const faultsKey = useMemo(() => [...foldFaults.keys()].join(','), [foldFaults]);
  const active = useLoad((api) => api.faults(), faultsKey);
  const zones = useLoad((api) => api.dns().then((z) => z.map((zone) => zone.origin)), world?.name ?? '');
  const remove = useAction();
  return (
    <section className="panel-section" aria-label="faults">
      <h3>Fault switches</h3>
      {FAULT_KINDS.map((kind) => (
        <FaultRow
          key={kind}
          kind={kind}
          targets={faultTargets(kind, world, users, zones.data ?? [])}
          onAdded={active.reload}
        />
      ))}
      <h4>Active</h4>
      {active.error && <p className="error">{active.error}</p>}
      {(active.data ?? []).length === 0 && <p className="panel-empty">No fault is on.</p>}
      <ul className="fault-list" data-testid="active-faults">
        {(active.data ?? []).map((f) => (
          <li key={f.id} data-testid="active-fault" data-fault-kind={f.kind} data-fault-target={f.target}>
            <span className="badge badge--faulted">{f.kind}</span> <code>{f.target}</code>{' '}
            <span className="muted">{foldFaults.get(f.id)?.effect ?? ''}</span>
            <button
              type="button"
              aria-label={`remove ${f.kind} fault on ${f.target}`}
              disabled={remove.busy}
              onClick={() => void remove.run((api) => api.removeFault(f.id)).then(active.reload)}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      {remove.error && <p className="error">{remove.error}</p>}
    </section>
  );
}

function FaultsPanel() {
  return (
    <div className="panel faults-panel" data-testid="faults-panel">
      <ClockSection />
      <FaultsSection />
    </div>
  );
}

export const faultsPanel: PanelDefinition = {
  id: 'faults',
  title: 'Faults & clock',
  area: 'right',
  order: 20,
  component: FaultsPanel,
};
