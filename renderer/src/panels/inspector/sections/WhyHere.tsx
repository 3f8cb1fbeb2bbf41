/**
 * "Why did it go here?": the router's decision per recipient with its reason, the
 * directory lookups and DNS answers it rested on, and any fault switch that acted.
 */
import type { RoutingFacts } from '../message-facts.js';
import { Empty, NodeLink, Section } from './Section.js';

export function WhyHere({
  routing,
  isNode,
  onPickNode,
}: {
  routing: RoutingFacts;
  isNode(host: string): boolean;
  onPickNode(host: string): void;
}) {
  const { routes, expansions, lookups, dnsAnswers, faults } = routing;
  return (
    <Section title="Why did it go here?" testId="inspector-why">
      {routes.length === 0 && expansions.length === 0 && <Empty>Not routed yet.</Empty>}
      <ul className="facts">
        {expansions.map((e) => (
          <li key={e.seq}>
            <code>{e.data.recipient}</code> expands to <code>{e.data.into.join(', ')}</code> — {e.data.reason}
          </li>
        ))}
        {routes.map((e) => (
          <li key={e.seq} data-route={e.data.route}>
            <code>{e.data.recipient}</code>
            {e.data.originalRecipient !== e.data.recipient && (
              <span className="muted"> (sent to {e.data.originalRecipient})</span>
            )}{' '}
            → <strong>{e.data.route}</strong>
            {e.data.host && (
              <>
                {' '}
                <NodeLink host={e.data.host} known={isNode(e.data.host)} onPick={onPickNode} />
              </>
            )}{' '}
            <span className="muted">channel {e.data.channel}</span>
            <div className="reason">because: {e.data.reason}</div>
          </li>
        ))}
      </ul>
      {lookups.length > 0 && (
        <>
          <h4>Directory lookups</h4>
          <ul className="facts">
            {lookups.map((e) => (
              <li key={e.seq}>
                <span className="muted">{e.data.purpose}:</span> <code>{e.data.filter}</code> → {e.data.entries}{' '}
                {e.data.entries === 1 ? 'entry' : 'entries'}
                {e.data.dns.length > 0 && <div className="muted wrap">{e.data.dns.join('; ')}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      {dnsAnswers.length > 0 && (
        <>
          <h4>DNS answers</h4>
          <ul className="facts">
            {dnsAnswers.map((e) => (
              <li key={e.seq}>
                <code>
                  {e.data.name} {e.data.type}
                </code>{' '}
                → {e.data.rcode} {e.data.answers.join(', ')}
                {e.data.purpose && <span className="muted"> ({e.data.purpose})</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {faults.length > 0 && (
        <>
          <h4>Fault switches that acted</h4>
          <ul className="facts">
            {faults.map((e) => (
              <li key={e.seq} className="status--failed-text">
                {e.data.effect}
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
