/**
 * The queue as an operator sees it (cf. `imsimta qm`): the site MTA's messages, or
 * another MTA host's; per-recipient state, attempts, a live countdown to the next
 * attempt; hold / release / return / delete / retry now. It reloads when the trace
 * shows something that changes that host's queue.
 */
import '../../styles/panels.css';
import { useEffect, useMemo, useState } from 'react';
import type { QueuedMessageView } from '../../api/client.js';
import { useAppState, useServices } from '../../app/services.js';
import { actions } from '../../state/app-state.js';
import { memoLast } from '../../state/selectors.js';
import { shallowEqualArrays } from '../../state/store.js';
import type { PanelDefinition } from '../registry.js';
import { formatBytes, formatCountdown, formatWorldDateTime } from '../shared/format.js';
import { useAction, useLoad, useWorldNow } from '../shared/hooks.js';
import { QUEUE_ROLES, actionsFor, lastQueueEventSeq, recipientState, summarizeQueue } from './queue-view.js';

/** Coalesces bursts of queue events into one reload. */
function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

function Countdown({ at }: { at: number }) {
  const now = useWorldNow(500);
  return <span className="countdown">{formatCountdown(at - now)}</span>;
}

function QueueRow({ m, onChanged }: { m: QueuedMessageView; onChanged(): void }) {
  const { store } = useServices();
  const action = useAction();
  const status =
    m.status === 'held' ? 'held' : m.recipients.some((r) => recipientState(r) === 'deferred') ? 'deferred' : m.status;
  const act = async (name: string) => {
    await action.run((api) => api.queueAction(m.queueId, name));
    // Reload either way: after a refusal (409) the list shows why.
    onChanged();
  };
  return (
    <li className="queue-row" data-testid="queue-row" data-queue-id={m.queueId}>
      <div className="queue-row__head">
        <button
          type="button"
          className="link-button mono"
          title="inspect this message"
          onClick={() => actions.inspectTrace(store, m.traceId)}
        >
          {m.queueId}
        </button>
        <span className={`status status--${status}`} data-testid="queue-status">
          {status}
        </span>
        <span className="muted">
          from <code>&lt;{m.sender}&gt;</code> · {formatBytes(m.sizeBytes)} · {m.source} · since{' '}
          {formatWorldDateTime(m.receivedAt)}
        </span>
        <span className="queue-row__actions">
          {actionsFor(m).map((name) => (
            <button
              key={name}
              type="button"
              disabled={action.busy}
              title={`${name} ${m.queueId}`}
              onClick={() => void act(name)}
            >
              {name === 'retry' ? 'retry now' : name}
            </button>
          ))}
        </span>
      </div>
      {m.heldReason && <div className="status--held-text">held: {m.heldReason}</div>}
      {action.error && (
        <div className="error" role="alert">
          {action.error}
        </div>
      )}
      <table className="grid">
        <tbody>
          {m.recipients.map((r) => {
            const state = recipientState(r);
            return (
              <tr key={r.recipientId} data-recipient={r.address}>
                <td>
                  <code>{r.address}</code>
                </td>
                <td>
                  <span className={`status status--${state.replace(' ', '-')}`}>{state}</span>
                </td>
                <td>{r.attempts} tries</td>
                <td>{r.status === 'pending' && m.status !== 'held' ? <Countdown at={r.nextAttemptAt} /> : ''}</td>
                <td className="wrap">{r.lastText ? `${r.lastCode ?? ''} ${r.lastText}` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </li>
  );
}

function QueuePanel() {
  const hosts = useAppState(
    (s) =>
      (s.world?.hosts ?? [])
        .filter((h) => QUEUE_ROLES.includes(h.role))
        .sort((a, b) => QUEUE_ROLES.indexOf(a.role) - QUEUE_ROLES.indexOf(b.role))
        .map((h) => h.name),
    shallowEqualArrays,
  );
  const [chosen, setChosen] = useState<string>();
  const host = chosen ?? hosts[0];
  const revisionOf = useMemo(() => memoLast(lastQueueEventSeq), []);
  const revision = useAppState((s) => (host ? revisionOf(s.fold.events, host) : 0));
  const settled = useSettled(revision, 150);
  const [heldOnly, setHeldOnly] = useState(false);
  const loaded = useLoad((api) => (host ? api.queueOf(host) : Promise.resolve([])), `${host}|${settled}`);
  const list = loaded.data ?? [];
  const shown = heldOnly ? list.filter((m) => m.status === 'held') : list;
  const summary = summarizeQueue(list);
  return (
    <div className="panel queue-panel" data-testid="queue-panel">
      <div className="panel__bar">
        <label>
          queue of{' '}
          <select aria-label="queue host" value={host ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {hosts.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="queue-summary">
          {summary.messages} {summary.messages === 1 ? 'message' : 'messages'} · {summary.deferred} deferred ·{' '}
          {summary.held} held
        </span>
        <label>
          <input type="checkbox" checked={heldOnly} onChange={(e) => setHeldOnly(e.target.checked)} /> held only
        </label>
        <button type="button" onClick={loaded.reload}>
          refresh
        </button>
        {loaded.loading && <span className="muted">…</span>}
      </div>
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      {shown.length === 0 && !loaded.loading && <p className="panel-empty">The queue is empty.</p>}
      <ul className="queue-list">
        {shown.map((m) => (
          <QueueRow key={m.queueId} m={m} onChanged={loaded.reload} />
        ))}
      </ul>
    </div>
  );
}

export const queuePanel: PanelDefinition = {
  id: 'queue',
  title: 'Queue',
  area: 'bottom',
  order: 10,
  component: QueuePanel,
};
