import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseOptions, UsageError } from './args.js';
import { defaultDataDir } from './data-dir.js';

export const qmUsage = `mailscope qm [--data-dir DIR] list | show ID | hold ID | release ID | retry ID | return ID | delete ID`;

interface QueueRow {
  queueId: string;
  sender: string;
  sizeBytes: number;
  status: string;
  receivedAt: number;
  recipients: Array<{ address: string; status: string; attempts: number; nextAttemptAt: number; lastText?: string }>;
}

/**
 * Queue management, like the classic MTA's `imsimta qm`: it talks to the running lab
 * through the control API (the same one the UI uses), found via <data-dir>/control.json.
 */
export async function queueCommand(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { options, rest } = parseOptions(argv, ['data-dir']);
  const [action = 'list', id] = rest;
  const api = connect(resolve(options['data-dir'] ?? defaultDataDir()));
  if (action === 'list') {
    const rows = (await api('GET', '/api/queue')) as QueueRow[];
    if (rows.length === 0) out('queue is empty');
    for (const row of rows) printMessage(row, out);
    return 0;
  }
  if (!id) throw new UsageError(`qm ${action} needs a queue id`);
  if (action === 'show') {
    const { message, history } = (await api('GET', `/api/queue/${encodeURIComponent(id)}`)) as {
      message: QueueRow;
      history: Array<{ at: number; action: string; channel: string; recipient: string; status: string }>;
    };
    printMessage(message, out);
    for (const h of history)
      out(`  ${new Date(h.at).toISOString()} ${h.action} ${h.channel.padEnd(12)} ${h.recipient} ${h.status}`);
    return 0;
  }
  if (!['hold', 'release', 'retry', 'return', 'delete'].includes(action))
    throw new UsageError(`unknown qm action "${action}"`);
  const message = (await api('POST', `/api/queue/${encodeURIComponent(id)}/${action}`)) as QueueRow;
  printMessage(message, out);
  return 0;
}

function printMessage(row: QueueRow, out: (line: string) => void): void {
  out(
    `${row.queueId}  ${row.status.padEnd(6)} ${String(row.sizeBytes).padStart(8)} B  from <${row.sender}>  ${new Date(row.receivedAt).toISOString()}`,
  );
  for (const r of row.recipients) {
    const next = r.status === 'pending' && r.attempts > 0 ? ` next ${new Date(r.nextAttemptAt).toISOString()}` : '';
    out(`    ${r.status.padEnd(9)} <${r.address}> attempts ${r.attempts}${next}${r.lastText ? `  ${r.lastText}` : ''}`);
  }
}

function connect(dataDir: string) {
  let control: { url: string };
  try {
    control = JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as { url: string };
  } catch {
    throw new Error(`no running lab found for data dir ${dataDir} (start one with: npm run serve)`);
  }
  const base = new URL(control.url);
  const token = base.searchParams.get('token') ?? '';
  return async (method: string, path: string): Promise<unknown> => {
    const response = await fetch(new URL(path, base.origin), { method, headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { error?: string };
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${body.error ?? ''}`.trim());
    return body;
  };
}
