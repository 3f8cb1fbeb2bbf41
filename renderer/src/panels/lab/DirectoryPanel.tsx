/**
 * The directory as the MTA and the MMP read it: users with their mail attributes and
 * groups. Changing a user's status turns on a `user` fault (the directory entry really
 * changes); setting it back to active removes that fault.
 */
import '../../styles/panels.css';
import { useAppState } from '../../app/services.js';
import type { PanelDefinition } from '../registry.js';
import { useAction, useLoad } from '../shared/hooks.js';
import { USER_STATUSES } from '../faults/fault-forms.js';
import type { ApiClient } from '../../api/client.js';

const STATUSES = ['active', ...USER_STATUSES] as const;
type Status = (typeof STATUSES)[number];

/** Replaces the user's status fault (if any) by one for `status`; 'active' just clears it. */
async function changeStatus(api: ApiClient, mail: string, status: Status): Promise<void> {
  const target = mail.toLowerCase();
  for (const fault of await api.faults()) {
    if (fault.kind === 'user' && fault.target === target) await api.removeFault(fault.id);
  }
  if (status !== 'active') await api.addFault({ kind: 'user', target, status });
}

function DirectoryPanel() {
  // Reload when a fault goes on or off (a user fault changes a status).
  const faultsKey = useAppState((s) => s.fold.faults);
  const directory = useLoad((api) => api.directory(), String(faultsKey.size) + [...faultsKey.keys()].join());
  const action = useAction();
  const d = directory.data;
  return (
    <div className="panel lab-panel" data-testid="directory-panel">
      {directory.error && <p className="error">{directory.error}</p>}
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
      {d && (
        <>
          <p className="muted">
            base DN <code>{d.baseDn}</code>
          </p>
          <table className="grid">
            <thead>
              <tr>
                <th>uid</th>
                <th>name</th>
                <th>mail</th>
                <th>alternate addresses</th>
                <th>mailHost</th>
                <th>delivery</th>
                <th>mailUserStatus</th>
              </tr>
            </thead>
            <tbody>
              {d.users.map((u) => (
                <tr key={u.uid} data-user={u.mail}>
                  <td>
                    <code>{u.uid}</code>
                  </td>
                  <td>{u.cn}</td>
                  <td>
                    <code>{u.mail}</code>
                  </td>
                  <td className="wrap">{u.alternateAddresses.join(', ')}</td>
                  <td>{u.mailHost}</td>
                  <td className="wrap">
                    {u.deliveryOptions.join(', ')}
                    {u.forwardingAddresses.length > 0 && ` → ${u.forwardingAddresses.join(', ')}`}
                  </td>
                  <td>
                    <select
                      aria-label={`status of ${u.mail}`}
                      value={u.status}
                      disabled={action.busy}
                      className={u.status === 'active' ? '' : 'status--held-text'}
                      onChange={(e) =>
                        void action
                          .run((api) => changeStatus(api, u.mail, e.target.value as Status))
                          .then(directory.reload)
                      }
                    >
                      {(STATUSES as readonly string[]).includes(u.status) ? null : <option>{u.status}</option>}
                      {STATUSES.map((s) => (
                        <option key={s}>{s}</option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Groups</h4>
          <ul className="facts">
            {d.groups.map((g) => (
              <li key={g.mail}>
                <code>{g.mail}</code> ({g.cn}) → {g.members.join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export const directoryPanel: PanelDefinition = {
  id: 'directory',
  title: 'Directory',
  area: 'bottom',
  order: 20,
  component: DirectoryPanel,
};
