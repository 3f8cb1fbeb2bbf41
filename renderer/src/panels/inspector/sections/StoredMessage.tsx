/**
 * The message as stored: headers (each Received: line linked to the host and the hop
 * that wrote it), the body as text or as sandboxed HTML, and the attachments. The raw
 * bytes come from the store over GET /api/mailboxes/{address}/{folder}/{uid}/raw once
 * the message is stored; nothing exposes a queued message's bytes.
 */
import { useMemo, useState } from 'react';
import { bytesToBinary, type HeaderField } from '../mime.js';
import { parseMessage } from '../parse-message.js';
import { hostKey, parseReceived } from '../received.js';
import { htmlToText, MAIL_CSP, sandboxDocument } from '../sanitize.js';
import type { StoredRef } from '../message-facts.js';
import { formatBytes } from '../../shared/format.js';
import { useLoad } from '../../shared/hooks.js';
import { Empty, NodeLink, Section } from './Section.js';

export interface HopLinks {
  isNode(host: string): boolean;
  onPickNode(host: string): void;
  /** The trace of a hop's queue id (Received: … id X), if the UI knows it. */
  traceOfQueueId(queueId: string): string | undefined;
  onPickTrace(traceId: string): void;
}

function ReceivedLine({ field, links }: { field: HeaderField; links: HopLinks }) {
  const r = parseReceived(field.value);
  const by = hostKey(r.by);
  const hopTrace = r.id ? links.traceOfQueueId(r.id) : undefined;
  return (
    <div className="received">
      <div className="received__hop">
        {by ? <NodeLink host={by} known={links.isNode(by)} onPick={links.onPickNode} /> : <em>unknown host</em>}
        {r.with && <span className="muted"> with {r.with}</span>}
        {r.id &&
          (hopTrace ? (
            <>
              {' '}
              id{' '}
              <button type="button" className="link-button" onClick={() => links.onPickTrace(hopTrace)}>
                {r.id}
              </button>
            </>
          ) : (
            <span className="muted"> id {r.id}</span>
          ))}
        {r.from && <span className="muted"> · from {r.from}</span>}
      </div>
      <div className="received__raw wrap">{field.value}</div>
    </div>
  );
}

function Body({ text, html }: { text?: string; html?: string }) {
  const [mode, setMode] = useState<'text' | 'html'>('text');
  // Sanitising a big HTML body takes milliseconds: once per body, not once per render.
  const shown = useMemo(() => text ?? (html !== undefined ? htmlToText(html) : undefined), [text, html]);
  const framed = useMemo(() => (mode === 'html' && html !== undefined ? sandboxDocument(html) : ''), [mode, html]);
  return (
    <div className="mail-body">
      {html !== undefined && (
        <div className="segmented" role="group" aria-label="body view">
          <button type="button" aria-pressed={mode === 'text'} onClick={() => setMode('text')}>
            text
          </button>
          <button type="button" aria-pressed={mode === 'html'} onClick={() => setMode('html')}>
            HTML (sandboxed, no remote content)
          </button>
        </div>
      )}
      {mode === 'html' && html !== undefined ? (
        <iframe
          className="mail-body__frame"
          title="HTML body (sandboxed)"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={framed}
          {...({ csp: MAIL_CSP } as object)}
        />
      ) : (
        <pre className="mail-body__text" data-testid="inspector-body">
          {shown ?? '(no text body)'}
        </pre>
      )}
    </div>
  );
}

export function StoredMessage({
  copies,
  chosen,
  links,
  queued,
}: {
  copies: readonly StoredRef[];
  chosen?: StoredRef;
  links: HopLinks;
  /** The message while it waits in a queue (no copy stored yet): read from there. */
  queued?: { queueId: string; mta?: string };
}) {
  const [index, setIndex] = useState(0);
  const copy = chosen ?? copies[Math.min(index, copies.length - 1)];
  const key = copy ? `${copy.address}|${copy.folder}|${copy.uid}` : queued ? `queue|${queued.queueId}` : '';
  const loaded = useLoad(async (api) => {
    if (copy) return parseMessage(bytesToBinary(await api.mailboxRaw(copy.address, copy.folder, copy.uid)));
    if (queued) return parseMessage(bytesToBinary(await api.queueRaw(queued.queueId)));
    return undefined;
  }, key);
  if (!copy && !queued) {
    return (
      <Section title="Message" testId="inspector-message">
        <Empty>Headers and body can be read while the message is queued or once a copy is stored.</Empty>
      </Section>
    );
  }
  const parsed = loaded.data;
  return (
    <Section title="Message" testId="inspector-message">
      {!chosen && copies.length > 1 && (
        <select aria-label="stored copy" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
          {copies.map((c, i) => (
            <option key={i} value={i}>
              {c.address} {c.folder} uid {c.uid}
            </option>
          ))}
        </select>
      )}
      <p className="muted">
        {copy
          ? `stored in ${copy.address} / ${copy.folder} uid ${copy.uid} on ${copy.node}`
          : `as queued (${queued!.queueId}${queued!.mta ? ` at ${queued!.mta}` : ''}), not stored yet`}
      </p>
      {loaded.error && <p className="error">{loaded.error}</p>}
      {loaded.loading && !parsed && <Empty>loading…</Empty>}
      {parsed && (
        <>
          <h4>Headers</h4>
          <div className="headers" data-testid="inspector-headers">
            {parsed.headers.map((h, i) =>
              h.name.toLowerCase() === 'received' ? (
                <div key={i} className="header header--received">
                  <span className="header__name">{h.name}:</span>
                  <ReceivedLine field={h} links={links} />
                </div>
              ) : (
                <div key={i} className="header">
                  <span className="header__name">{h.name}:</span> <span className="header__value wrap">{h.value}</span>
                </div>
              ),
            )}
          </div>
          <h4>Body</h4>
          <Body text={parsed.text} html={parsed.html} />
          <h4>Attachments</h4>
          {parsed.attachments.length === 0 ? (
            <Empty>none</Empty>
          ) : (
            <ul className="attachments" data-testid="inspector-attachments">
              {parsed.attachments.map((a, i) => (
                <li key={i}>
                  📎 <strong>{a.filename}</strong> <code>{a.contentType}</code> {formatBytes(a.sizeBytes)}
                </li>
              ))}
            </ul>
          )}
          {parsed.truncated && <p className="muted">(a MIME limit cut the parse short)</p>}
        </>
      )}
    </Section>
  );
}
