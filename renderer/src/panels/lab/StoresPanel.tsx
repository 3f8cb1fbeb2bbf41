/**
 * The message stores and their mailboxes (site stores, the LAN server, Internet hosts):
 * pick a folder to list its messages, pick a message to open it in the inspector.
 */
import '../../styles/panels.css';
import { useState } from 'react';
import type { MailboxSummaryView } from '../../../../server/api/world-view.js';
import { useAppState, useServices } from '../../app/services.js';
import { actions } from '../../state/app-state.js';
import { traceOfStored } from '../inspector/message-facts.js';
import type { PanelDefinition } from '../registry.js';
import { formatBytes, formatWorldDateTime } from '../shared/format.js';
import { useLoad } from '../shared/hooks.js';

function byHost(list: readonly MailboxSummaryView[]): Map<string, MailboxSummaryView[]> {
  const out = new Map<string, MailboxSummaryView[]>();
  for (const m of list) out.set(m.host, [...(out.get(m.host) ?? []), m]);
  return out;
}

function FolderList({ address, folder, revision }: { address: string; folder: string; revision: number }) {
  const { store } = useServices();
  const messages = useLoad((api) => api.mailbox(address, folder), `${address}|${folder}|${revision}`);
  const open = (uid: number) => {
    const ref = { address, folder, uid };
    actions.inspectStored(store, ref, traceOfStored(store.get().fold.events, ref));
  };
  return (
    <div className="folder-list" data-testid="folder-messages">
      <h4>
        {address} / {folder}
      </h4>
      {messages.error && <p className="error">{messages.error}</p>}
      {messages.data?.length === 0 && <p className="panel-empty">No messages.</p>}
      <table className="grid">
        <tbody>
          {(messages.data ?? []).map((m) => (
            <tr key={m.uid} className="clickable" onClick={() => open(m.uid)} data-uid={m.uid}>
              <td className="num">{m.uid}</td>
              <td className="mono">{formatWorldDateTime(m.internalDate)}</td>
              <td>{m.from}</td>
              <td>
                <button type="button" className="link-button">
                  {m.subject || '(no subject)'}
                </button>
              </td>
              <td className="num">{formatBytes(m.sizeBytes)}</td>
              <td className="muted">{m.flags.join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StoresPanel() {
  // Reload the counts when something is stored anywhere.
  const storedTotal = useAppState((s) => {
    let n = 0;
    for (const live of s.fold.nodes.values()) n += live.storedCount;
    return n;
  });
  const mailboxes = useLoad((api) => api.mailboxes(), String(storedTotal));
  const [open, setOpen] = useState<{ address: string; folder: string }>();
  return (
    <div className="panel lab-panel stores" data-testid="stores-panel">
      {mailboxes.error && <p className="error">{mailboxes.error}</p>}
      <div className="stores__hosts">
        {[...byHost(mailboxes.data ?? [])].map(([host, boxes]) => (
          <section key={host} className="store-host">
            <h4>
              <code>{host}</code>
            </h4>
            {boxes.map((b) => (
              <div key={b.address} className="mailbox">
                <span className="mailbox__address">{b.address}</span>
                {b.folders
                  .filter((f) => f.messages > 0 || f.name === 'INBOX')
                  .map((f) => (
                    <button
                      key={f.name}
                      type="button"
                      aria-pressed={open?.address === b.address && open.folder === f.name}
                      onClick={() => setOpen({ address: b.address, folder: f.name })}
                    >
                      {f.name} {f.messages}
                      {f.unseen > 0 ? ` (${f.unseen} new)` : ''}
                    </button>
                  ))}
              </div>
            ))}
          </section>
        ))}
      </div>
      {open && <FolderList address={open.address} folder={open.folder} revision={storedTotal} />}
    </div>
  );
}

export const storesPanel: PanelDefinition = {
  id: 'stores',
  title: 'Stores',
  area: 'bottom',
  order: 40,
  component: StoresPanel,
};
