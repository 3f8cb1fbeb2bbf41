/** The bar above the diagram: world, connection, world clock, animation controls, follow. */
import { useEffect, useState } from 'react';
import { formatWorldTime } from '../panels/event-list/summary.js';
import { actions, estimateWorldNow } from '../state/app-state.js';
import { useAppState, useServices } from './services.js';

const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

function ConnectionPill() {
  const connection = useAppState((s) => s.connection);
  const [, tick] = useState(0);
  useEffect(() => {
    if (connection.phase !== 'offline') return undefined;
    const timer = setInterval(() => tick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [connection.phase]);
  const retryIn = connection.retryAt ? Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000)) : 0;
  const text =
    connection.phase === 'offline'
      ? `offline — retry in ${retryIn}s`
      : connection.phase === 'catching-up'
        ? 'catching up…'
        : connection.phase;
  return (
    <span className={`pill pill--${connection.phase}`} data-testid="connection" title={connection.error}>
      {text}
    </span>
  );
}

function WorldClock() {
  const clock = useAppState((s) => s.clock);
  const foldNow = useAppState((s) => s.fold.worldNow);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!clock && foldNow === 0) return null;
  const now = estimateWorldNow(clock, foldNow, Date.now());
  return (
    <span className="world-clock" title="world clock">
      world clock {formatWorldTime(now).slice(0, 8)} <small>{clock?.mode ?? ''}</small>
    </span>
  );
}

function AnimationControls() {
  const { store } = useServices();
  const speed = useAppState((s) => s.ui.speed);
  const paused = useAppState((s) => s.ui.paused);
  const index = Math.max(0, SPEEDS.indexOf(speed as (typeof SPEEDS)[number]));
  return (
    <span className="anim-controls">
      <button
        onClick={() => actions.setPaused(store, !paused)}
        aria-pressed={paused}
        data-testid="pause"
        title={paused ? 'resume the animation' : 'pause the animation'}
      >
        {paused ? '▶ play' : '❚❚ pause'}
      </button>
      <label title="animation speed">
        speed
        <input
          type="range"
          min={0}
          max={SPEEDS.length - 1}
          step={1}
          value={index}
          onChange={(e) => actions.setSpeed(store, SPEEDS[Number(e.target.value)] ?? 1)}
        />
        ×{speed}
      </label>
    </span>
  );
}

function FollowChip() {
  const { store } = useServices();
  const traceId = useAppState((s) => s.ui.selectedTraceId);
  const message = useAppState((s) => (traceId ? s.fold.messages.get(traceId) : undefined));
  if (!traceId) return null;
  return (
    <span className="follow-chip" data-testid="following">
      following <code>{traceId}</code>
      {message ? ` · ${message.status}` : ''}
      <button aria-label="stop following" onClick={() => actions.selectTrace(store, undefined)}>
        ✕
      </button>
    </span>
  );
}

export function Toolbar() {
  const { store } = useServices();
  const worldName = useAppState((s) => s.world?.name);
  return (
    <header className="toolbar">
      <strong className="toolbar__title">Mailscope</strong>
      {worldName && <span className="toolbar__world">{worldName}</span>}
      <ConnectionPill />
      <WorldClock />
      <span className="toolbar__spacer" />
      <FollowChip />
      <AnimationControls />
      <button onClick={() => actions.resetLayout(store)} title="forget dragged positions">
        reset layout
      </button>
    </header>
  );
}
