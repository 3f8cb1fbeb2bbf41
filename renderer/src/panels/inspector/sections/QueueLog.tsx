/** The queue's own log of the message (GET /api/queue/:id → history, at whichever MTA holds it). */
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

export function QueueLog({ message }: { message: MessageView }) {
  const queueId = message.queueId;
  // Reload whenever the trace says something new about the message.
  const loaded = useLoad(async (api) => {
    if (!queueId) return undefined;
    try {
      return await api.queueEntry(queueId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }, `${queueId}|${message.lastSeq}`);
  const history = loaded.data?.history ?? [];
  const where = message.mta ? ` at ${message.mta}` : '';
  return (
    <Section title={`Queue log${where} · ${history.length} records`} testId="inspector-queue-log" open={false}>
      {!queueId && <Empty>Not queued yet.</Empty>}
      {loaded.error && <p className="error">{loaded.error}</p>}
      {loaded.data === null && <Empty>{queueId} is in no queue of this world (any more).</Empty>}
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
