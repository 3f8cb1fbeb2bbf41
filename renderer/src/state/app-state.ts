/**
 * Everything the UI shows, in one immutable value: the connection, the world view,
 * the fold of the trace and the UI's own choices. Actions are plain functions of the
 * store; panels add theirs beside these.
 */
import type { WorldView } from '../../../server/api/world-view.js';
import type { ConnectionStatus } from '../api/trace-connection.js';
import { emptyFoldState, type FoldState } from '../fold/types.js';
import type { DirectoryUser } from '../topology/topology.js';
import type { Store } from './store.js';

export interface EventFilter {
  /** A message's traceId (or a prefix of it). */
  traceId?: string;
  kind?: string;
  host?: string;
}

export type DockArea = 'right' | 'bottom';

export interface UiState {
  /** "Follow this message": its path is highlighted, everything else dimmed. */
  selectedTraceId?: string;
  /** The node last clicked (for an inspector panel). */
  selectedNodeId?: string;
  /** Animation speed factor (1 = one hop per second). */
  speed: number;
  paused: boolean;
  reducedMotion: boolean;
  eventFilter: EventFilter;
  /** The open panel of each dock area (undefined = area collapsed). */
  dock: Record<DockArea, string | undefined>;
  /** Bumped by "reset layout": the diagram drops saved positions. */
  layoutEpoch: number;
  /** Presenter mode: large type, high contrast (the `p` key). */
  presenter?: boolean;
  /** Colour theme; absent = follow the system (remembered in localStorage). */
  theme?: 'light' | 'dark';
  /** The keyboard shortcut help is open (the `?` key). */
  shortcutHelp?: boolean;
  /** A stored message picked in the Stores panel, for the inspector (with or without its trace). */
  inspectedStored?: { address: string; folder: string; uid: number };
  /** A short line about the last keyboard action ("clock +1 min"), shown for a moment. */
  notice?: { text: string; at: number };
}

/** The world clock as last reported, to count down to a next attempt between events. */
export interface WorldClockView {
  mode: string;
  now: number;
  /** Date.now() when `now` was read. */
  receivedAt: number;
}

export interface AppState {
  connection: ConnectionStatus;
  world?: WorldView;
  /** undefined: the world has no directory listing; the diagram shows one local client. */
  users?: readonly DirectoryUser[];
  clock?: WorldClockView;
  fold: FoldState;
  ui: UiState;
}

export type AppStore = Store<AppState>;

export function initialAppState(reducedMotion = false): AppState {
  return {
    connection: { phase: 'connecting', lastSeq: 0 },
    fold: emptyFoldState(),
    ui: {
      speed: 1,
      paused: false,
      reducedMotion,
      eventFilter: {},
      dock: { right: undefined, bottom: 'events' },
      layoutEpoch: 0,
    },
  };
}

function setUi(store: AppStore, change: Partial<UiState>): void {
  store.set((s) => ({ ...s, ui: { ...s.ui, ...change } }));
}

export const actions = {
  selectTrace(store: AppStore, traceId: string | undefined): void {
    setUi(store, { selectedTraceId: traceId });
  },
  selectNode(store: AppStore, nodeId: string | undefined): void {
    setUi(store, { selectedNodeId: nodeId });
  },
  setSpeed(store: AppStore, speed: number): void {
    setUi(store, { speed });
  },
  setPaused(store: AppStore, paused: boolean): void {
    setUi(store, { paused });
  },
  setFilter(store: AppStore, change: Partial<EventFilter>): void {
    store.set((s) => ({ ...s, ui: { ...s.ui, eventFilter: { ...s.ui.eventFilter, ...change } } }));
  },
  openPanel(store: AppStore, area: DockArea, panelId: string | undefined): void {
    store.set((s) => ({ ...s, ui: { ...s.ui, dock: { ...s.ui.dock, [area]: panelId } } }));
  },
  resetLayout(store: AppStore): void {
    store.set((s) => ({ ...s, ui: { ...s.ui, layoutEpoch: s.ui.layoutEpoch + 1 } }));
  },
  setPresenter(store: AppStore, presenter: boolean): void {
    setUi(store, { presenter });
  },
  setTheme(store: AppStore, theme: 'light' | 'dark'): void {
    setUi(store, { theme });
  },
  setShortcutHelp(store: AppStore, shortcutHelp: boolean): void {
    setUi(store, { shortcutHelp });
  },
  /** Open a stored message in the inspector; `traceId` when its trace is known. */
  inspectStored(store: AppStore, ref: { address: string; folder: string; uid: number }, traceId?: string): void {
    store.set((s) => ({
      ...s,
      ui: { ...s.ui, inspectedStored: ref, selectedTraceId: traceId, dock: { ...s.ui.dock, right: 'inspector' } },
    }));
  },
  /** Inspect a message: follow it and open the inspector. */
  inspectTrace(store: AppStore, traceId: string): void {
    store.set((s) => ({
      ...s,
      ui: { ...s.ui, selectedTraceId: traceId, inspectedStored: undefined, dock: { ...s.ui.dock, right: 'inspector' } },
    }));
  },
  notify(store: AppStore, text: string): void {
    setUi(store, { notice: { text, at: Date.now() } });
  },
  /** The clock as POST /api/clock reported it (the live clock.changed event follows). */
  clockReported(store: AppStore, clock: { mode: string; now: number }): void {
    store.set((s) => ({ ...s, clock: { mode: clock.mode, now: clock.now, receivedAt: Date.now() } }));
  },
};

const SCALED = /^scaled:(\d+(?:\.\d+)?)$/;

/** World-clock now, estimated from the last report and the clock's mode. */
export function estimateWorldNow(clock: WorldClockView | undefined, foldNow: number, realNowMs: number): number {
  if (!clock) return foldNow;
  const factor = clock.mode === 'stepped' ? 0 : Number(SCALED.exec(clock.mode)?.[1] ?? 1);
  return Math.max(foldNow, clock.now + (realNowMs - clock.receivedAt) * factor);
}
