/**
 * The queue's own log of the message (GET /api/queue/:id → history, the site MTA only),
 * or, for a copy held by another MTA of the world, its entry in that host's queue list.
 */
import { ApiError } from '../../../api/client.js';
import type { MessageView } from '../../../fold/types.js';
import { formatWorldDateTime } from '../../shared/format.js';
import { useLoad } from '../../shared/hooks.js';
import { Empty, Section } from './Section.js';

const ACTIONS: Record<string, string> = {
  E: 'enqueued',
  D: 'delivered',
  Q: 'deferred',
  R: 'failed',
  X: 'expanded',
  H: 'held',
  U: 'released',
  K: 'deleted',
  B: 'bounce generated',
};

export function QueueLog({ message, siteMta }: { message: MessageView; siteMta?: string }) {
  const queueId = message.queueId;
  const atSite = siteMta === undefined || message.mta === undefined || message.mta === siteMta;
  // Reload whenever the trace says something new about the message.
  const key = `${queueId}|${message.mta}|${message.lastSeq}`;
  const site = useLoad(async (api) => {
    if (!queueId || !atSite) return undefined;
    try {
      return await api.queueEntry(queueId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }, key);
  const peer = useLoad(
    async (api) =>
      queueId && !atSite ? ((await api.queueOf(message.mta)).find((m) => m.queueId === queueId) ?? null) : undefined,
    key,
  );
  if (!queueId) {
    return (
      <Section title="Queue log" testId="inspector-queue-log" open={false}>
        <Empty>Not queued yet.</Empty>
      </Section>
    );
  }
  if (!atSite) {
    return (
      <Section title={`Queue at ${message.mta}`} testId="inspector-queue-log" open={false}>
        {peer.error && <p className="error">{peer.error}</p>}
        {peer.data === null && <Empty>No longer in {message.mta}'s queue.</Empty>}
        {peer.data && (
          <p>
            {peer.data.status}
            {peer.data.heldReason ? ` (${peer.data.heldReason})` : ''} —{' '}
            {peer.data.recipients.map((r) => `${r.address}: ${r.status}, ${r.attempts} tries`).join('; ')}
          </p>
        )}
        <p className="muted">The control API keeps a log only for the site MTA's queue.</p>
      </Section>
    );
  }
  const history = site.data?.history ?? [];
  return (
    <Section title={`Queue log · ${history.length} records`} testId="inspector-queue-log" open={false}>
      {site.error && <p className="error">{site.error}</p>}
      {site.data === null && <Empty>{queueId} is not in the queue's records.</Empty>}
      {history.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>when</th>
              <th>action</th>
              <th>channel</th>
              <th>recipient</th>
              <th>status</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={i}>
                <td className="mono">{formatWorldDateTime(h.at)}</td>
                <td title={ACTIONS[h.action]}>
                  <code>{h.action}</code> {ACTIONS[h.action] ?? ''}
                </td>
                <td>{h.channel}</td>
                <td>{h.recipient}</td>
                <td className="wrap">{h.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
