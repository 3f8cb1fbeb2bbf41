/** Fault switches as the diagram shows them: which nodes are down or faulted. */
import type { TraceEvent } from '../../../server/api/trace.js';
import type { Batch } from './batch.js';
import type { FaultView } from './types.js';

export function applyFaultEvent(b: Batch, e: TraceEvent): void {
  if (e.kind === 'fault.injected') {
    const { faultId, target, kind, effect } = e.data;
    b.faults.set(faultId, { faultId, target: target.toLowerCase(), kind, effect, node: e.node });
  } else if (e.kind === 'fault.cleared') {
    b.faults.delete(e.data.faultId);
  }
}

/** Same rule as the server's switches: `example.com` covers `mx1.example.com`, a name covers itself. */
export function faultCovers(target: string, name: string): boolean {
  const t = target.replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === t || n.endsWith(`.${t}`);
}

export type NodeHealth = 'up' | 'faulted' | 'down';

export function nodeHealth(faults: ReadonlyMap<string, FaultView>, node: string): NodeHealth {
  let health: NodeHealth = 'up';
  for (const fault of faults.values()) {
    if (!faultCovers(fault.target, node)) continue;
    if (fault.kind === 'down') return 'down';
    health = 'faulted';
  }
  return health;
}

export function faultsOf(faults: ReadonlyMap<string, FaultView>, node: string): FaultView[] {
  return [...faults.values()].filter((f) => faultCovers(f.target, node));
}
