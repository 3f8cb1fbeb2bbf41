/** The inspector's facts about the selected message, recomputed only when the fold changes. */
import { useMemo } from 'react';
import type { TraceEvent } from '../../../../server/api/trace.js';
import { useAppState } from '../../app/services.js';
import type { FoldState } from '../../fold/types.js';
import { memoLast } from '../../state/selectors.js';
import { shallowEqualArrays } from '../../state/store.js';
import {
  eventsOfTraces,
  relatedTraces,
  routingFacts,
  sessionsOf,
  storedCopies,
  timeline,
  verdictOf,
  type RelatedTrace,
  type RoutingFacts,
  type SessionRef,
  type StoredRef,
  type TimelineStep,
} from './message-facts.js';

export interface InspectorFacts {
  related: readonly RelatedTrace[];
  /** Events of this message and of every related trace, in seq order. */
  events: readonly TraceEvent[];
  /** Events of this trace only. */
  own: readonly TraceEvent[];
  steps: readonly TimelineStep[];
  sessions: readonly SessionRef[];
  routing: RoutingFacts;
  verdict?: Extract<TraceEvent, { kind: 'verdict.given' }>;
  stored: readonly StoredRef[];
}

function computeFacts(
  events: FoldState['events'],
  eventsByTrace: FoldState['eventsByTrace'],
  messages: FoldState['messages'],
  traceId: string,
): InspectorFacts {
  // Only the parts the facts read; the rest of FoldState is not needed here.
  const fold = { events, eventsByTrace, messages } as FoldState;
  const related = relatedTraces(fold, traceId);
  const all = eventsOfTraces(
    fold,
    related.map((r) => r.traceId),
  );
  const own = all.filter((e) => e.traceId === traceId);
  return {
    related,
    events: all,
    own,
    steps: timeline(all),
    sessions: sessionsOf(fold, all),
    routing: routingFacts(own),
    verdict: verdictOf(own) ?? verdictOf(all),
    stored: storedCopies(all),
  };
}

/** Same events and same related traces: the facts did not change (keeps the sections from re-rendering). */
function sameFacts(a: InspectorFacts, b: InspectorFacts): boolean {
  return (
    shallowEqualArrays(a.events, b.events) &&
    a.related.length === b.related.length &&
    a.related.every((r, i) => r.traceId === b.related[i]!.traceId && r.host === b.related[i]!.host) &&
    a.sessions.length === b.sessions.length
  );
}

export function useInspectorFacts(traceId: string): InspectorFacts {
  const select = useMemo(() => {
    const memo = memoLast(computeFacts);
    return (s: { fold: FoldState }) => memo(s.fold.events, s.fold.eventsByTrace, s.fold.messages, traceId);
  }, [traceId]);
  // Every batch of events makes a new fold; the facts of this message mostly stay the same.
  return useAppState(select, sameFacts);
}
