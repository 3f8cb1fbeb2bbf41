/**
 * The chrome every node shares: connection handles on all four sides (the topology
 * chooses which side an edge uses), the title, the host name, the health badge
 * (up / faulted / down from the fault switches) and the "follow this message" dimming.
 */
import { Handle, Position, type Node } from '@xyflow/react';
import { memo, useMemo, type ReactNode } from 'react';
import type { ServiceView } from '../../../../server/api/world-view.js';
import { useAppState, useServices } from '../../app/services.js';
import { nodeSelectors } from '../../state/selectors.js';
import type { NodeKind } from '../../topology/layout.js';

export interface MailNodeData extends Record<string, unknown> {
  kind: NodeKind;
  label: string;
  host?: string;
  services: readonly ServiceView[];
}

export type MailNodeType = Node<MailNodeData>;

const SIDES = [
  ['top', Position.Top],
  ['right', Position.Right],
  ['bottom', Position.Bottom],
  ['left', Position.Left],
] as const;

const Handles = memo(function Handles() {
  return (
    <>
      {SIDES.map(([side, position]) => (
        <Handle key={`${side}-s`} id={side} type="source" position={position} isConnectable={false} />
      ))}
      {SIDES.map(([side, position]) => (
        <Handle key={`${side}-t`} id={`${side}-in`} type="target" position={position} isConnectable={false} />
      ))}
    </>
  );
});

export function useNodeFocus(id: string): 'none' | 'on' | 'off' {
  const { selectors } = useServices();
  return useAppState((s) => {
    const h = selectors.highlight(s);
    return h === undefined ? 'none' : h.nodes.has(id) ? 'on' : 'off';
  });
}

export interface NodeFrameProps {
  id: string;
  data: MailNodeData;
  selected: boolean;
  children?: ReactNode;
}

export function NodeFrame({ id, data, selected, children }: NodeFrameProps) {
  const health = useAppState(useMemo(() => nodeSelectors.health(id), [id]));
  const live = useAppState(useMemo(() => nodeSelectors.live(id), [id]));
  const focus = useNodeFocus(id);
  const classes = [
    'mail-node',
    `mail-node--${data.kind}`,
    `mail-node--${health}`,
    `mail-node--focus-${focus}`,
    selected ? 'mail-node--selected' : '',
  ].join(' ');
  const ports = data.services.map((s) => `${s.protocol} ${s.port}`).join(', ');
  return (
    <div className={classes} data-node={id} data-health={health} title={ports || undefined}>
      <Handles />
      <div className="mail-node__head">
        <span className="mail-node__label">{data.label}</span>
        {health !== 'up' && <span className={`badge badge--${health}`}>{health}</span>}
      </div>
      {data.host && data.host !== data.label && <div className="mail-node__host">{data.host}</div>}
      <div className="mail-node__body">
        {live && live.openSessions > 0 && (
          <span className="stat" data-testid="open-sessions">
            ⇄ {live.openSessions} open
          </span>
        )}
        {children}
      </div>
    </div>
  );
}
