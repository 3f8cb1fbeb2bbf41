/**
 * The disk queue: its depth, and the deferred messages parked here (one dot each, in
 * the message's colour) with a countdown to the next attempt in world time. The
 * countdown ticks on its own timer only while something is deferred.
 */
import type { NodeProps } from '@xyflow/react';
import { memo, useEffect, useState } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import { actions, estimateWorldNow } from '../../state/app-state.js';
import { shallowEqualArrays } from '../../state/store.js';
import { traceColour } from '../colors.js';
import { NodeFrame, type MailNodeType } from './NodeFrame.js';

const MAX_PARKED_DOTS = 12;

interface Parked {
  traceId: string;
  nextAttemptAt?: number;
}

function useTicker(active: boolean, everyMs: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return tick;
}

export function formatCountdown(ms: number): string {
  if (ms <= 0) return 'due now';
  const totalSec = Math.ceil(ms / 1000);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${s.toString().padStart(2, '0')}s` : `${s}s`;
}

function QueueNodeComponent({ id, data, selected }: NodeProps<MailNodeType>) {
  const { store } = useServices();
  const depth = useAppState((s) => s.fold.queue.depth);
  const held = useAppState((s) => s.fold.queue.held.size);
  const parked = useAppState(
    (s) =>
      [...s.fold.queue.deferred].map((traceId): Parked => ({
        traceId,
        nextAttemptAt: s.fold.messages.get(traceId)?.nextAttemptAt,
      })),
    (a, b) =>
      a.length === b.length &&
      a.every((p, i) => p.traceId === b[i]!.traceId && p.nextAttemptAt === b[i]!.nextAttemptAt),
  );
  const clockInputs = useAppState((s) => [s.clock, s.fold.worldNow] as const, shallowEqualArrays);
  useTicker(parked.length > 0, 500);
  const worldNow = estimateWorldNow(clockInputs[0], clockInputs[1], Date.now());
  const attempts = parked.map((p) => p.nextAttemptAt).filter((t): t is number => t !== undefined);
  const next = attempts.length > 0 ? Math.min(...attempts) : undefined;
  return (
    <NodeFrame id={id} data={data} selected={selected}>
      <span className="stat" data-testid="queue-depth">
        ▤ {depth} queued
      </span>
      {parked.length > 0 && (
        <span className="stat stat--deferred" data-testid="queue-deferred">
          {parked.length} deferred{next !== undefined ? ` · next in ${formatCountdown(next - worldNow)}` : ''}
        </span>
      )}
      {held > 0 && <span className="stat stat--held">{held} held</span>}
      {parked.length > 0 && (
        <div className="parked">
          {parked.slice(0, MAX_PARKED_DOTS).map((p) => (
            <button
              key={p.traceId}
              className="parked__dot"
              style={{ background: traceColour(p.traceId) }}
              title={`${p.traceId}: next attempt in ${p.nextAttemptAt ? formatCountdown(p.nextAttemptAt - worldNow) : '?'}`}
              onClick={() => actions.selectTrace(store, p.traceId)}
            />
          ))}
          {parked.length > MAX_PARKED_DOTS && <span className="parked__more">+{parked.length - MAX_PARKED_DOTS}</span>}
        </div>
      )}
    </NodeFrame>
  );
}

export const QueueNode = memo(QueueNodeComponent);
