/**
 * An edge of the diagram and the tokens riding it. Memoized; it subscribes to its own
 * tokens only, so an event on one link re-renders that link and nothing else.
 */
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo, useCallback, useEffect, useRef } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import { actions } from '../../state/app-state.js';
import type { EdgeToken } from '../../state/selectors.js';
import { TokenDot } from './TokenDot.js';

export interface TokenEdgeData extends Record<string, unknown> {
  protocols: readonly string[];
  adhoc: boolean;
}

export type TokenEdgeType = Edge<TokenEdgeData, 'token'>;

const NO_TOKENS: readonly EdgeToken[] = [];

function TokenEdgeComponent(props: EdgeProps<TokenEdgeType>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const { store, selectors } = useServices();
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const tokens = useAppState((s) => selectors.tokensByEdge(s).get(id) ?? NO_TOKENS);
  const paused = useAppState((s) => s.ui.paused);
  const speed = useAppState((s) => s.ui.speed);
  const reducedMotion = useAppState((s) => s.ui.reducedMotion);
  const focus = useAppState((s) => {
    const h = selectors.highlight(s);
    return h === undefined ? 'none' : h.edges.has(id) ? 'on' : 'off';
  });
  const group = useRef<SVGGElement>(null);

  // React Flow draws each edge in an <svg> of its own: each has its own animation timeline.
  useEffect(() => {
    const svg = group.current?.ownerSVGElement;
    if (paused) svg?.pauseAnimations();
    else svg?.unpauseAnimations();
  }, [paused]);

  const onSelect = useCallback((traceId: string) => actions.selectTrace(store, traceId), [store]);
  const protocols = data?.protocols ?? [];
  const classes = ['mail-edge', data?.adhoc ? 'mail-edge--adhoc' : '', `mail-edge--focus-${focus}`].join(' ');
  return (
    <g ref={group} className={classes} data-edge={id}>
      <BaseEdge path={path} className="mail-edge__line" />
      {protocols.length > 0 && (
        <text className="mail-edge__label" x={labelX} y={labelY - 4} textAnchor="middle">
          {protocols.join(' · ')}
        </text>
      )}
      {tokens.map(({ token, reversed }) => (
        <TokenDot
          key={token.id}
          token={token}
          path={path}
          reversed={reversed}
          speed={speed}
          reducedMotion={reducedMotion}
          endX={reversed ? sourceX : targetX}
          endY={reversed ? sourceY : targetY}
          onSelect={onSelect}
        />
      ))}
    </g>
  );
}

export const TokenEdge = memo(TokenEdgeComponent);
