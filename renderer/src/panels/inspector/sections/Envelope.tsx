/** The envelope (MAIL FROM, RCPT TO) and where each recipient stands now. */
import type { MessageView } from '../../../fold/types.js';
import { formatCountdown } from '../../shared/format.js';
import { useWorldNow } from '../../shared/hooks.js';
import { Section } from './Section.js';

function Countdown({ at }: { at: number }) {
  const now = useWorldNow();
  return <span className="countdown">{formatCountdown(at - now)}</span>;
}

export function Envelope({ message }: { message: MessageView }) {
  return (
    <Section title="Envelope" testId="inspector-envelope">
      <dl className="kv">
        <dt>queue id</dt>
        <dd>
          <code>{message.queueId ?? '—'}</code> {message.mta && <span className="muted">at {message.mta}</span>}
        </dd>
        <dt>MAIL FROM</dt>
        <dd>
          <code>&lt;{message.sender ?? ''}&gt;</code>
          {message.isDsn && <span className="muted"> (a DSN: null sender, so it cannot bounce back)</span>}
        </dd>
        {message.heldReason && (
          <>
            <dt>held</dt>
            <dd className="status status--held">{message.heldReason}</dd>
          </>
        )}
      </dl>
      <table className="grid">
        <thead>
          <tr>
            <th>RCPT TO</th>
            <th>status</th>
            <th>route</th>
            <th>tries</th>
            <th>last reply / next try</th>
          </tr>
        </thead>
        <tbody>
          {message.recipients.map((address) => {
            const r = message.recipientStates[address];
            if (!r) return null;
            return (
              <tr key={address} data-recipient={address}>
                <td>
                  <code>{address}</code>
                </td>
                <td>
                  <span className={`status status--${r.status.replace(' ', '-')}`}>{r.status}</span>
                </td>
                <td>{r.route ? `${r.route}${r.host ? ` → ${r.host}` : ''}` : (r.host ?? '—')}</td>
                <td>{r.attempts}</td>
                <td className="wrap">
                  {r.lastText ?? ''}
                  {r.status === 'deferred' && r.nextAttemptAt !== undefined && (
                    <>
                      {' '}
                      · next try <Countdown at={r.nextAttemptAt} />
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}
