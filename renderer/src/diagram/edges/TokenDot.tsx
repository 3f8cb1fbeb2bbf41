/**
 * One token: a dot riding its edge. The motion is declarative SVG (<animateMotion>
 * along the edge's own path), started once when the dot mounts — React never touches
 * it again while it moves, so a hundred moving dots cost no renders. `beginElementAt`
 * delays the start while the message's previous hop is still running; TokenEdge pauses
 * and resumes its <svg> timeline as a whole. With reduced motion the dot just appears
 * at its destination.
 *
 * Measured alternative (bench/ui.ts, headless Chromium): HTML dots with CSS transform
 * keyframes through custom properties cost as much main-thread time in the app (style
 * recalculation, layerization, animation events) as SMIL, and CSS offset-path twice as
 * much; so this stays SVG, as the design asks.
 */
import { memo, useLayoutEffect, useRef } from 'react';
import { useServices } from '../../app/services.js';
import type { Token } from '../../fold/types.js';
import { FAILURE_COLOUR, traceColour } from '../colors.js';

export interface TokenDotProps {
  token: Token;
  path: string;
  reversed: boolean;
  /** Animation speed when the dot mounted: real ms = animation ms / speed. */
  speed: number;
  reducedMotion: boolean;
  endX: number;
  endY: number;
  onSelect(traceId: string): void;
}

function TokenDotComponent({ token, path, reversed, speed, reducedMotion, endX, endY, onSelect }: TokenDotProps) {
  const { clock } = useServices();
  const motion = useRef<SVGAnimateMotionElement>(null);
  const show = useRef<SVGSetElement>(null);
  // All props are primitives or stable: the dot re-renders only when its edge's path changes.
  const durationMs = token.durationMs / speed;
  useLayoutEffect(() => {
    // The hop may wait for the message's previous one (fold/tokens.ts). Started once, on
    // mount (empty deps on purpose): a later render, e.g. a dragged node, only moves the path.
    const delaySec = Math.max(0, token.startedAt - clock.now()) / speed / 1000;
    motion.current?.beginElementAt(delaySec);
    show.current?.beginElementAt(delaySec);
  }, []);

  const colour = token.kind === 'failure' ? FAILURE_COLOUR : traceColour(token.colorTraceId);
  const isRing = token.kind === 'dsn';
  const pulse = token.kind === 'pulse';
  // A lookup goes out and comes back (request, answer) within its ride.
  const keyPoints = pulse ? (reversed ? '1;0;1' : '0;1;0') : reversed ? '1;0' : '0;1';
  const keyTimes = pulse ? '0;0.5;1' : '0;1';
  const dur = `${Math.max(1, Math.round(durationMs))}ms`;
  const common = {
    className: `token token--${token.kind}`,
    r: pulse ? 4 : 7,
    fill: isRing ? 'none' : colour,
    stroke: isRing ? colour : 'var(--token-outline)',
    strokeWidth: isRing ? 3 : 1.5,
    strokeDasharray: isRing ? '3 2' : undefined,
    'data-token-trace': token.traceId,
    'data-token-kind': token.kind,
    onClick: () => token.traceId && onSelect(token.traceId),
  };
  if (reducedMotion) {
    return (
      <circle {...common} cx={endX} cy={endY}>
        <title>{token.label}</title>
      </circle>
    );
  }
  return (
    <circle {...common} opacity={0}>
      <title>{token.label}</title>
      <animateMotion
        ref={motion}
        begin="indefinite"
        dur={dur}
        path={path}
        keyPoints={keyPoints}
        keyTimes={keyTimes}
        calcMode="linear"
        fill="freeze"
      />
      <set ref={show} attributeName="opacity" to="1" begin="indefinite" dur={dur} />
    </circle>
  );
}

export const TokenDot = memo(TokenDotComponent);
