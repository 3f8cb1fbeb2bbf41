/** The SMTP / LMTP / IMAP dialogue of the sessions that carried the message, line by line. */
import { useAppState } from '../../../app/services.js';
import type { SessionView } from '../../../fold/types.js';
import { shallowEqualArrays } from '../../../state/store.js';
import type { SessionRef } from '../message-facts.js';
import { Empty, Section } from './Section.js';

export function Transcripts({ refs }: { refs: readonly SessionRef[] }) {
  const sessions = useAppState(
    (s) => refs.map((r) => s.fold.sessions.get(r.key)),
    shallowEqualArrays as (a: (SessionView | undefined)[], b: (SessionView | undefined)[]) => boolean,
  );
  return (
    <Section title={`Transcripts · ${refs.length} sessions`} testId="inspector-transcripts">
      {refs.length === 0 && <Empty>No session of this message is known.</Empty>}
      {refs.map((ref, i) => {
        const session = sessions[i];
        return (
          <div key={ref.key} className="transcript" data-session={ref.key}>
            <div className="transcript__head">
              <code>{ref.node}</code> {session?.protocol ?? ''} session <code>{ref.sessionId}</code>
              {session?.user && <span className="muted"> as {session.user}</span>}
              <span className="muted"> — {ref.how}</span>
            </div>
            {!session || session.lines.length === 0 ? (
              <Empty>No command lines recorded for this session.</Empty>
            ) : (
              <pre className="transcript__lines">
                {session.lines.map((line) => (
                  <div key={`${line.seq}-${line.direction}`} className={`line line--${line.direction}`}>
                    <span className="line__dir">{line.direction === 'client' ? 'C:' : 'S:'}</span> {line.text}
                  </div>
                ))}
              </pre>
            )}
          </div>
        );
      })}
    </Section>
  );
}
