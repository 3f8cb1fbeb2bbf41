/**
 * The event list: every recent trace event with its world-clock time, node, kind and
 * a one-line summary. Filters by message, kind and host; clicking a row follows that
 * message on the diagram.
 */
import { memo, useCallback } from 'react';
import type { TraceEvent } from '../../../../server/api/trace.js';
import { useAppState, useServices } from '../../app/services.js';
import { traceColour } from '../../diagram/colors.js';
import { actions } from '../../state/app-state.js';
import { shallowEqualArrays } from '../../state/store.js';
import type { PanelDefinition } from '../registry.js';
import { KNOWN_KINDS, formatWorldTime, summarize } from './summary.js';
import { WindowedList } from './WindowedList.js';

const ROW_HEIGHT = 22;

const EventRow = memo(function EventRow({
  event,
  selected,
  onSelect,
}: {
  event: TraceEvent;
  selected: boolean;
  onSelect(traceId: string | undefined): void;
}) {
  return (
    <div
      className={`event-row ${selected ? 'event-row--selected' : ''} ${event.traceId ? 'event-row--message' : ''}`}
      style={{ height: ROW_HEIGHT }}
      data-kind={event.kind}
      data-seq={event.seq}
      onClick={() => onSelect(event.traceId)}
    >
      <span className="event-row__time">{formatWorldTime(event.at)}</span>
      <span
        className="event-row__chip"
        style={{ background: event.traceId ? traceColour(event.causedBy ?? event.traceId) : 'transparent' }}
      />
      <span className="event-row__node" title={event.node}>
        {event.node}
      </span>
      <span className="event-row__kind">{event.kind}</span>
      <span className="event-row__summary" title={event.traceId}>
        {summarize(event)}
      </span>
    </div>
  );
});

function FilterBar() {
  const { store, selectors } = useServices();
  const filter = useAppState((s) => s.ui.eventFilter);
  const selected = useAppState((s) => s.ui.selectedTraceId);
  const hosts = useAppState((s) => selectors.topology(s)?.nodes.map((n) => n.id) ?? [], shallowEqualArrays);
  return (
    <div className="filter-bar">
      <input
        aria-label="filter by message"
        placeholder="message (msg_…)"
        value={filter.traceId ?? ''}
        onChange={(e) => actions.setFilter(store, { traceId: e.target.value || undefined })}
      />
      {selected && filter.traceId !== selected && (
        <button onClick={() => actions.setFilter(store, { traceId: selected })}>only {selected}</button>
      )}
      <select
        aria-label="filter by kind"
        value={filter.kind ?? ''}
        onChange={(e) => actions.setFilter(store, { kind: e.target.value || undefined })}
      >
        <option value="">all kinds</option>
        {KNOWN_KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <select
        aria-label="filter by host"
        value={filter.host ?? ''}
        onChange={(e) => actions.setFilter(store, { host: e.target.value || undefined })}
      >
        <option value="">all nodes</option>
        {hosts.map((h) => (
          <option key={h}>{h}</option>
        ))}
      </select>
      {(filter.traceId || filter.kind || filter.host) && (
        <button onClick={() => actions.setFilter(store, { traceId: undefined, kind: undefined, host: undefined })}>
          clear
        </button>
      )}
    </div>
  );
}

function EventListPanel() {
  const { store, selectors } = useServices();
  const events = useAppState(selectors.filteredEvents);
  const total = useAppState((s) => s.fold.events.length);
  const selected = useAppState((s) => s.ui.selectedTraceId);
  const onSelect = useCallback(
    (traceId: string | undefined) => traceId && actions.selectTrace(store, traceId),
    [store],
  );
  const renderRow = useCallback(
    (e: TraceEvent) => (
      <EventRow key={e.seq} event={e} selected={selected !== undefined && e.traceId === selected} onSelect={onSelect} />
    ),
    [selected, onSelect],
  );
  return (
    <div className="event-list" data-testid="event-list">
      <FilterBar />
      <div className="event-list__count">
        {events.length === total ? `${total} events` : `${events.length} of ${total} events`}
      </div>
      <WindowedList items={events} rowHeight={ROW_HEIGHT} renderRow={renderRow} className="event-list__rows" />
    </div>
  );
}

export const eventListPanel: PanelDefinition = {
  id: 'events',
  title: 'Events',
  area: 'bottom',
  order: 0,
  component: EventListPanel,
};
