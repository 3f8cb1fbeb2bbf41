/** The zones the lab's DNS server answers for: MX, A and TXT (SPF, DMARC, DKIM) records. */
import '../../styles/panels.css';
import { useState } from 'react';
import type { PanelDefinition } from '../registry.js';
import { useLoad } from '../shared/hooks.js';

function DnsPanel() {
  const zones = useLoad((api) => api.dns(), 'dns');
  const [type, setType] = useState('');
  const types = [...new Set((zones.data ?? []).flatMap((z) => z.records.map((r) => r.type)))].sort();
  return (
    <div className="panel lab-panel" data-testid="dns-panel">
      <div className="panel__bar">
        <select aria-label="record type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">all types</option>
          {types.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button type="button" onClick={zones.reload}>
          refresh
        </button>
      </div>
      {zones.error && <p className="error">{zones.error}</p>}
      <div className="zones">
        {(zones.data ?? []).map((z) => (
          <details key={z.origin} open className="zone">
            <summary>
              <code>{z.origin}</code> <span className="muted">{z.records.length} records</span>
            </summary>
            <table className="grid">
              <tbody>
                {z.records
                  .filter((r) => !type || r.type === type)
                  .map((r, i) => (
                    <tr key={i}>
                      <td>
                        <code>{r.name}</code>
                      </td>
                      <td className="num">{r.ttl}</td>
                      <td>
                        <strong>{r.type}</strong>
                      </td>
                      <td className="wrap mono">{r.value}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </details>
        ))}
      </div>
    </div>
  );
}

export const dnsPanel: PanelDefinition = {
  id: 'dns',
  title: 'DNS',
  area: 'bottom',
  order: 30,
  component: DnsPanel,
};
