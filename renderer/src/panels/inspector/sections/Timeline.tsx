/** The message's story, hop by hop: every event of it and of its related traces, with times. */
import { traceColour } from '../../../diagram/colors.js';
import { summarize } from '../../event-list/summary.js';
import { formatDuration } from '../../shared/format.js';
import type { TimelineStep } from '../message-facts.js';
import { Empty, NodeLink, Section } from './Section.js';

export function Timeline({
  steps,
  isNode,
  onPickNode,
}: {
  steps: readonly TimelineStep[];
  isNode(host: string): boolean;
  onPickNode(host: string): void;
}) {
  const total = steps.length > 0 ? steps[steps.length - 1]!.sinceStartMs : 0;
  return (
    <Section title={`Timeline · ${steps.length} events · ${formatDuration(total)}`} testId="inspector-timeline">
      {steps.length === 0 && <Empty>No events of this message are left in the list.</Empty>}
      <ol className="timeline">
        {steps.map((step) => (
          <li key={step.event.seq} className={step.hopStart ? 'timeline__step timeline__step--hop' : 'timeline__step'}>
            {step.hopStart && (
              <div className="timeline__hop">
                <NodeLink host={step.host} known={isNode(step.host)} onPick={onPickNode} />
              </div>
            )}
            <span className="timeline__at" title="since the first event">
              +{formatDuration(step.sinceStartMs)}
            </span>
            <span className="chip" style={{ background: traceColour(step.event.causedBy ?? step.event.traceId) }} />
            <span className="timeline__kind">{step.event.kind}</span>
            <span className="timeline__text">
              {summarize(step.event)}
              {step.durationMs !== undefined && <strong> · took {formatDuration(step.durationMs)}</strong>}
            </span>
          </li>
        ))}
      </ol>
    </Section>
  );
}
