/**
 * The page `GET /` shows before the renderer is built: the world's hosts, their
 * services and ports, and the queue size. Self-contained (no scripts, no external
 * resources) and locked down by its CSP.
 */
import type { HostView, WorldView } from '../api/world-view.js';
import type { Reply } from './reply.js';

const STATUS_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

export function statusPage(world: WorldView, queueSize: number): Reply {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mailscope: ${escapeHtml(world.name)}</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.25em 1em 0.25em 0; border-bottom: 1px solid #ddd; }
code { font-size: 0.95em; }
</style>
</head>
<body>
<h1>Mailscope: ${escapeHtml(world.name)}</h1>
<p>Clock: <code>${escapeHtml(world.clock.mode)}</code>, world time ${escapeHtml(isoOrRaw(world.clock.now))}.
Messages in the queue: <strong>${queueSize}</strong>.</p>
<p>The web UI is not built yet; the control API answers under <code>/api/</code>.</p>
<table>
<thead><tr><th>host</th><th>role</th><th>service</th><th>address</th></tr></thead>
<tbody>
${world.hosts.map(hostRows).join('\n')}
</tbody>
</table>
</body>
</html>
`;
  return {
    kind: 'bytes',
    status: 200,
    body: html,
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': STATUS_CSP },
  };
}

function hostRows(host: HostView): string {
  const name = escapeHtml(host.label ? `${host.name} (${host.label})` : host.name);
  const role = escapeHtml(host.role);
  if (host.services.length === 0) return `<tr><td>${name}</td><td>${role}</td><td>—</td><td>—</td></tr>`;
  return host.services
    .map((s) => {
      const where = escapeHtml(`${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}`);
      return `<tr><td>${name}</td><td>${role}</td><td>${escapeHtml(s.protocol)}</td><td><code>${where}</code></td></tr>`;
    })
    .join('\n');
}

function isoOrRaw(epochMs: number): string {
  return Number.isFinite(epochMs) && Math.abs(epochMs) < 8.64e15 ? new Date(epochMs).toISOString() : String(epochMs);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
