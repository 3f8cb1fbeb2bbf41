/**
 * Wires the app together: token → API client → store, animation clock, frame loop and
 * trace connection. Returns a handle to stop it all (and the pieces, for tests).
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import { ApiClient } from '../api/client.js';
import { TraceConnection, type SocketLike } from '../api/trace-connection.js';
import { AnimationClock } from '../state/anim-clock.js';
import { initialAppState, type AppState, type AppStore } from '../state/app-state.js';
import { FrameLoop } from '../state/frame-loop.js';
import { createSelectors } from '../state/selectors.js';
import { createStore } from '../state/store.js';
import type { AppServices } from './services.js';

export interface RunningApp {
  services: AppServices;
  loop: FrameLoop;
  connection: TraceConnection;
  stop(): void;
}

export interface BootOptions {
  origin: string;
  token: string;
  reducedMotion: boolean;
  createSocket?(url: string): SocketLike;
}

export function bootApp(options: BootOptions): RunningApp {
  const store: AppStore = createStore<AppState>(initialAppState(options.reducedMotion));
  const api = new ApiClient(options.origin, options.token);
  const clock = new AnimationClock();
  const loop = new FrameLoop(store, clock);
  const services: AppServices = { store, selectors: createSelectors(), clock, api };

  const connection = new TraceConnection({
    api,
    createSocket: options.createSocket,
    onEvents: (events, live) => loop.push(events, live),
    onStatus: (connection) => store.set((s) => ({ ...s, connection })),
    // The world view (and users) are reloaded on every (re)connect: the lab may have restarted.
    onConnecting: async () => {
      const [world, users] = await Promise.all([api.world(), api.directoryUsers()]);
      const clockView = { mode: world.clock.mode, now: world.clock.now, receivedAt: Date.now() };
      store.set((s) => ({ ...s, world, users, clock: clockView }));
    },
  });

  const unsubscribe = followAnimationSettings(store, clock, loop);
  connection.start();
  return {
    services,
    loop,
    connection,
    stop() {
      unsubscribe();
      connection.stop();
      loop.stop();
    },
  };
}

/** Speed and pause live in the store (the toolbar sets them); the animation clock follows. */
function followAnimationSettings(store: AppStore, clock: AnimationClock, loop: FrameLoop): () => void {
  let { speed, paused } = store.get().ui;
  return store.subscribe(() => {
    const ui = store.get().ui;
    if (ui.speed !== speed) clock.setSpeed(ui.speed);
    if (ui.paused !== paused) clock.setPaused(ui.paused);
    if (ui.speed !== speed || ui.paused !== paused) loop.schedule();
    ({ speed, paused } = ui);
  });
}

/**
 * The hook tests and the UI benchmark drive the page through (window.__mailscope):
 * inject events as if they came from the stream, read the state.
 */
export interface TestHook {
  push(events: TraceEvent[], live?: boolean): void;
  state(): AppState;
  /** The animation clock's now (token times are on it). */
  animationNow(): number;
  stopConnection(): void;
}

export function testHook(app: RunningApp): TestHook {
  return {
    push: (events, live = true) => app.loop.push(events, live),
    state: () => app.services.store.get(),
    animationNow: () => app.services.clock.now(),
    stopConnection: () => app.connection.stop(),
  };
}
