/** The inspector's facts about the selected message, recomputed only when the fold changes. */
import { useMemo } from 'react';
import type { TraceEvent } from '../../../../server/api/trace.js';
import { useAppState } from '../../app/services.js';
import type { FoldState } from '../../fold/types.js';
import { memoLast } from '../../state/selectors.js';
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

export function useInspectorFacts(traceId: string): InspectorFacts {
  const select = useMemo(() => {
    const memo = memoLast(computeFacts);
    return (s: { fold: FoldState }) => memo(s.fold.events, s.fold.eventsByTrace, s.fold.messages, traceId);
  }, [traceId]);
  return useAppState(select);
}
