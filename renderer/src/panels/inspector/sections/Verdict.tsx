/** The anti-spam / anti-virus verdict: score, the rules that fired, SPF/DKIM/DMARC, the action taken. */
import type { TraceEvent } from '../../../../../server/api/trace.js';
import { Empty, Section } from './Section.js';

type VerdictEvent = Extract<TraceEvent, { kind: 'verdict.given' }>;

export function Verdict({ verdict }: { verdict?: VerdictEvent }) {
  if (!verdict) {
    return (
      <Section title="Verdict" testId="inspector-verdict" open={false}>
        <Empty>No verdict in the trace (only the site MTA judges incoming mail).</Empty>
      </Section>
    );
  }
  const v = verdict.data;
  const rules = v.rules ?? [];
  return (
    <Section
      title={
        <>
          Verdict: <span className={`status status--${v.spam === 'spam' ? 'failed' : 'delivered'}`}>{v.spam}</span>{' '}
          <span className={`status status--${v.virus === 'infected' ? 'failed' : 'delivered'}`}>{v.virus}</span> · score{' '}
          {v.score}
          {v.action ? ` → ${v.action}` : ''}
        </>
      }
      testId="inspector-verdict"
    >
      <dl className="kv">
        {v.engine && (
          <>
            <dt>engine</dt>
            <dd>{v.engine}</dd>
          </>
        )}
        {v.auth && (
          <>
            <dt>authentication</dt>
            <dd>
              {(['spf', 'dkim', 'dmarc'] as const).map((k) =>
                v.auth?.[k] ? (
                  <span key={k} className={`auth auth--${v.auth[k]}`}>
                    {k.toUpperCase()} {v.auth[k]}{' '}
                  </span>
                ) : null,
              )}
              {v.auth.summary && <div className="muted wrap">{v.auth.summary}</div>}
            </dd>
          </>
        )}
        {v.reasons.length > 0 && (
          <>
            <dt>reasons</dt>
            <dd className="wrap">{v.reasons.join('; ')}</dd>
          </>
        )}
      </dl>
      {rules.length > 0 ? (
        <table className="grid">
          <thead>
            <tr>
              <th>rule</th>
              <th className="num">score</th>
              <th>what it means</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.name}>
                <td>
                  <code>{r.name}</code>
                </td>
                <td className="num">{r.score}</td>
                <td className="wrap">{r.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No rule fired.</Empty>
      )}
    </Section>
  );
}
