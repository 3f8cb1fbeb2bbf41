/**
 * The message inspector: everything the lab knows about the followed message —
 * envelope, verdict, routing reasons, timeline, session transcripts, queue log, and
 * (once stored) its headers, body and attachments.
 */
import '../../styles/panels.css';
import { useCallback, useMemo } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import { traceColour } from '../../diagram/colors.js';
import { actions } from '../../state/app-state.js';
import type { PanelDefinition } from '../registry.js';
import type { StoredRef } from './message-facts.js';
import { Envelope } from './sections/Envelope.js';
import { QueueLog } from './sections/QueueLog.js';
import { Empty } from './sections/Section.js';
import { StoredMessage, type HopLinks } from './sections/StoredMessage.js';
import { Timeline } from './sections/Timeline.js';
import { Transcripts } from './sections/Transcripts.js';
import { Verdict } from './sections/Verdict.js';
import { WhyHere } from './sections/WhyHere.js';
import { useInspectorFacts } from './use-facts.js';

function useHopLinks(): HopLinks {
  const { store, selectors } = useServices();
  const nodeIds = useAppState((s) => selectors.topology(s)?.nodeIds);
  return useMemo(
    () => ({
      isNode: (host) => nodeIds?.has(host) ?? false,
      onPickNode: (host) => actions.selectNode(store, host),
      traceOfQueueId: (queueId) => {
        const messages = store.get().fold.messages;
        if (messages.has(queueId)) return queueId;
        for (const m of messages.values()) if (m.queueId === queueId) return m.traceId;
        return undefined;
      },
      onPickTrace: (traceId) => actions.inspectTrace(store, traceId),
    }),
    [store, nodeIds],
  );
}

function TraceInspector({ traceId, inspected }: { traceId: string; inspected?: StoredRef }) {
  const { store } = useServices();
  const message = useAppState((s) => s.fold.messages.get(traceId));
  const facts = useInspectorFacts(traceId);
  const links = useHopLinks();
  const pickTrace = useCallback((id: string) => actions.inspectTrace(store, id), [store]);
  const chosen = inspected && facts.stored.some((c) => sameCopy(c, inspected)) ? inspected : undefined;
  return (
    <div className="inspector" data-testid="inspector" data-trace={traceId}>
      <header className="inspector__head">
        <span className="chip chip--big" style={{ background: traceColour(message?.causedBy ?? traceId) }} />
        <div>
          <div className="inspector__title">{message?.subject ?? <code>{traceId}</code>}</div>
          <div className="muted">
            {message
              ? `${message.status} · ${message.sender ?? '?'} → ${message.recipients.join(', ')}`
              : 'no longer in the fold'}
          </div>
        </div>
      </header>
      {facts.related.length > 1 && (
        <nav className="related" aria-label="related traces">
          {facts.related.map((r) => (
            <button
              key={r.traceId}
              type="button"
              className={`related__chip ${r.traceId === traceId ? 'related__chip--current' : ''}`}
              onClick={() => pickTrace(r.traceId)}
              title={r.host ? `at ${r.host}` : undefined}
            >
              <span className="chip" style={{ background: traceColour(r.traceId) }} /> {r.relation}
              {r.host ? ` · ${r.host.split('.')[0]}` : ''}
            </button>
          ))}
        </nav>
      )}
      {message && <Envelope message={message} />}
      <Verdict verdict={facts.verdict} />
      <WhyHere routing={facts.routing} isNode={links.isNode} onPickNode={links.onPickNode} />
      <Timeline steps={facts.steps} isNode={links.isNode} onPickNode={links.onPickNode} />
      <Transcripts refs={facts.sessions} />
      {message && <QueueLog message={message} />}
      <StoredMessage
        copies={facts.stored}
        chosen={chosen}
        links={links}
        queued={message?.inQueue && message.queueId ? { queueId: message.queueId, mta: message.mta } : undefined}
      />
    </div>
  );
}

function sameCopy(
  a: { address: string; folder: string; uid: number },
  b: { address: string; folder: string; uid: number },
) {
  return a.address.toLowerCase() === b.address.toLowerCase() && a.folder === b.folder && a.uid === b.uid;
}

function InspectorPanel() {
  const traceId = useAppState((s) => s.ui.selectedTraceId);
  const inspected = useAppState((s) => s.ui.inspectedStored);
  const links = useHopLinks();
  const inspectedRef = useMemo(() => (inspected ? { ...inspected, node: 'its store' } : undefined), [inspected]);
  if (traceId) return <TraceInspector traceId={traceId} inspected={inspectedRef} />;
  if (inspectedRef) {
    return (
      <div className="inspector" data-testid="inspector">
        <p className="muted">This message's trace is no longer in the event list; its stored copy:</p>
        <StoredMessage copies={[inspectedRef]} chosen={inspectedRef} links={links} />
      </div>
    );
  }
  return (
    <div className="inspector" data-testid="inspector">
      <Empty>
        Pick a message to inspect: click it in the Events list, on the diagram, in the Queue, or in a mailbox (Stores).
      </Empty>
    </div>
  );
}

export const inspectorPanel: PanelDefinition = {
  id: 'inspector',
  title: 'Inspector',
  area: 'right',
  order: 0,
  component: InspectorPanel,
};
