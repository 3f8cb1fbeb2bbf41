/**
 * Compose: send a message through the world's real servers — as a site user through
 * the submission server (SMTP AUTH, like Thunderbird), or "from the Internet" as a
 * remote sender, queued at an Internet host and delivered by MX.
 */
import '../../styles/panels.css';
import { useState, type ChangeEvent } from 'react';
import type { ComposeResult } from '../../../../server/api/world-view.js';
import { useAppState, useServices } from '../../app/services.js';
import { actions } from '../../state/app-state.js';
import { shallowEqualArrays } from '../../state/store.js';
import type { PanelDefinition } from '../registry.js';
import { formatBytes } from '../shared/format.js';
import { useAction } from '../shared/hooks.js';
import { EMPTY_FORM, PRESETS, fileToAttachment, toComposeRequest, type ComposeForm } from './presets.js';

const REMOTE_SENDERS = ['erin@example.com', 'frank@example.net', 'gina@example.org', 'security@bank.example'];
const SENDING_ROLES = ['internet-mta', 'lan-mta', 'smarthost'];

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="form-field">
      <span className="form-field__label">{label}</span>
      {children}
    </label>
  );
}

function Result({
  result,
  error,
  onFollow,
}: {
  result?: ComposeResult;
  error?: string;
  onFollow(queueId: string): void;
}) {
  if (error) {
    return (
      <div className="compose-result compose-result--error" role="alert" data-testid="compose-error">
        Not sent: {error}
      </div>
    );
  }
  if (!result) return null;
  return (
    <div className="compose-result" role="status" data-testid="compose-result" data-queue-id={result.queueId}>
      Queued as <code>{result.queueId}</code> at {result.host}
      {result.response && <div className="muted">{result.response}</div>}
      <button type="button" onClick={() => onFollow(result.queueId)}>
        inspect it
      </button>
    </div>
  );
}

function ComposePanel() {
  const { store } = useServices();
  const users = useAppState((s) => (s.users ?? []).map((u) => u.mail), shallowEqualArrays);
  const senderHosts = useAppState(
    (s) => (s.world?.hosts ?? []).filter((h) => SENDING_ROLES.includes(h.role)).map((h) => h.name),
    shallowEqualArrays,
  );
  const [form, setForm] = useState<ComposeForm>(EMPTY_FORM);
  const [result, setResult] = useState<ComposeResult>();
  const [follow, setFollow] = useState(true);
  const send = useAction();
  const set = (change: Partial<ComposeForm>) => setForm((f) => ({ ...f, ...change }));
  const text =
    (name: keyof ComposeForm) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      set({ [name]: e.target.value } as Partial<ComposeForm>);
  const isSiteUser = users.includes(form.from.trim().toLowerCase());
  const internet = form.via === 'internet' || (form.via === 'auto' && !isSiteUser && users.length > 0);

  const followTrace = (queueId: string) => {
    // The queue id is the trace id at the first host; a later hop has its own.
    const messages = store.get().fold.messages;
    const traceId = messages.has(queueId)
      ? queueId
      : ([...messages.values()].find((m) => m.queueId === queueId)?.traceId ?? queueId);
    actions.selectTrace(store, traceId);
  };

  const submit = async () => {
    setResult(undefined);
    const sent = await send.run((api) => api.compose(toComposeRequest(form)));
    if (!sent) return;
    setResult(sent);
    if (follow) followTrace(sent.queueId);
  };

  const addFiles = async (files: FileList | null) => {
    const picked = await Promise.all([...(files ?? [])].map(fileToAttachment));
    set({ attachments: [...form.attachments, ...picked] });
  };

  return (
    <form
      className="panel compose"
      data-testid="compose-panel"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="presets" role="group" aria-label="presets">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            title={p.story}
            data-preset={p.id}
            onClick={() => {
              setForm(p.form);
              setResult(undefined);
              send.clearError();
            }}
          >
            {p.label}
          </button>
        ))}
      </div>
      <Field label="From">
        <input aria-label="from" list="compose-senders" value={form.from} onChange={text('from')} />
        <datalist id="compose-senders">
          {[...users, ...REMOTE_SENDERS].map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </Field>
      <Field label="Send">
        <select aria-label="via" value={form.via} onChange={text('via')}>
          <option value="auto">{isSiteUser ? 'auto: submission (site user)' : 'auto: from the Internet'}</option>
          <option value="submission">through the submission server (SMTP AUTH)</option>
          <option value="internet">from the Internet</option>
        </select>
      </Field>
      {internet && (
        <Field label="From host">
          <select aria-label="sending host" value={form.host} onChange={text('host')}>
            <option value="">the MX of the sender's domain</option>
            {senderHosts.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="To">
        <input aria-label="to" value={form.to} onChange={text('to')} placeholder="bob@siroe.example, …" />
      </Field>
      <Field label="Cc">
        <input aria-label="cc" value={form.cc} onChange={text('cc')} />
      </Field>
      <Field label="Subject">
        <input aria-label="subject" value={form.subject} onChange={text('subject')} />
      </Field>
      <Field label="Text">
        <textarea aria-label="text" rows={5} value={form.text} onChange={text('text')} />
      </Field>
      <details>
        <summary>HTML body and attachments</summary>
        <Field label="HTML">
          <textarea aria-label="html" rows={3} value={form.html} onChange={text('html')} />
        </Field>
        <Field label="Attach">
          <input type="file" multiple aria-label="attach files" onChange={(e) => void addFiles(e.target.files)} />
        </Field>
      </details>
      {form.attachments.length > 0 && (
        <ul className="attachments">
          {form.attachments.map((a, i) => (
            <li key={i}>
              📎 {a.filename} <code>{a.contentType}</code> {formatBytes(Math.floor((a.contentBase64.length * 3) / 4))}{' '}
              <button
                type="button"
                aria-label={`remove ${a.filename}`}
                onClick={() => set({ attachments: form.attachments.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="panel__bar">
        <button type="submit" className="primary" disabled={send.busy || !form.from || !form.to}>
          {send.busy ? 'sending…' : 'Send'}
        </button>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow it on the
          diagram
        </label>
      </div>
      <Result
        result={result}
        error={send.error}
        onFollow={(queueId) => {
          followTrace(queueId);
          actions.openPanel(store, 'right', 'inspector');
        }}
      />
    </form>
  );
}

export const composePanel: PanelDefinition = {
  id: 'compose',
  title: 'Compose',
  area: 'right',
  order: 10,
  component: ComposePanel,
};
