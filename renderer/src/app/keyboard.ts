/**
 * Keyboard shortcuts and the view settings around them (presenter mode, theme, the
 * shortcut help), mounted once where the app boots:
 *   space = play/pause · → = step the clock · f = follow · p = presenter · t = theme · ? = help
 */
import { actions, estimateWorldNow } from '../state/app-state.js';
import { nextStepMs } from '../panels/faults/fault-forms.js';
import { formatDuration } from '../panels/shared/format.js';
import { shortcutFor, type ShortcutCommand } from '../panels/view/shortcuts.js';
import { followViewPrefs, markPickedNode, openInspectorOnSelect, restoreViewPrefs } from '../panels/view/view-prefs.js';
import { mountViewOverlay } from '../panels/view/ViewOverlay.js';
import type { AppServices } from './services.js';

async function stepClock({ store, api }: AppServices): Promise<void> {
  if (!api) return;
  const s = store.get();
  const now = estimateWorldNow(s.clock, s.fold.worldNow, Date.now());
  const { advanceMs, reason } = nextStepMs(
    [...s.fold.messages.values()].map((m) => m.nextAttemptAt),
    now,
  );
  try {
    const clock = await api.setClock({ advanceMs });
    actions.clockReported(store, clock);
    actions.notify(store, `clock ${reason === '+1 min' ? '+1 min' : `+${formatDuration(advanceMs)}, ${reason}`}`);
  } catch (err) {
    actions.notify(store, `clock: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function followNewest({ store }: AppServices): void {
  const s = store.get();
  if (s.ui.selectedTraceId !== undefined) {
    actions.selectTrace(store, undefined);
    actions.notify(store, 'stopped following');
    return;
  }
  let newest: { traceId: string; lastSeq: number } | undefined;
  for (const m of s.fold.messages.values()) if (!newest || m.lastSeq > newest.lastSeq) newest = m;
  if (newest) {
    actions.selectTrace(store, newest.traceId);
    actions.notify(store, `following ${newest.traceId}`);
  }
}

/** One handler per command (a typed dispatch map). */
const COMMANDS: Record<ShortcutCommand, (services: AppServices) => void | Promise<void>> = {
  'toggle-pause': ({ store }) => {
    const paused = !store.get().ui.paused;
    actions.setPaused(store, paused);
    actions.notify(store, paused ? 'animation paused' : 'animation playing');
  },
  'step-clock': stepClock,
  follow: followNewest,
  presenter: ({ store }) => actions.setPresenter(store, !store.get().ui.presenter),
  theme: ({ store }) => actions.setTheme(store, store.get().ui.theme === 'dark' ? 'light' : 'dark'),
  help: ({ store }) => actions.setShortcutHelp(store, !store.get().ui.shortcutHelp),
  close: ({ store }) => actions.setShortcutHelp(store, false),
};

export function mountKeyboard(win: Window, services: AppServices): () => void {
  const { store } = services;
  restoreViewPrefs(store, win.localStorage, win.matchMedia('(prefers-color-scheme: dark)').matches);
  const stops = [
    followViewPrefs(store, win.document.documentElement, win.localStorage),
    openInspectorOnSelect(store),
    markPickedNode(store, win.document),
    mountViewOverlay(win.document, services),
  ];
  const onKey = (e: KeyboardEvent) => {
    const target = e.target instanceof HTMLElement ? e.target : undefined;
    const command = shortcutFor({
      key: e.key,
      ctrlKey: e.ctrlKey,
      metaKey: e.metaKey,
      altKey: e.altKey,
      targetTag: target?.tagName,
      targetType: target instanceof HTMLInputElement ? target.type : undefined,
      targetEditable: target?.isContentEditable,
    });
    if (command === undefined || e.repeat) return;
    if (command === 'close' && !store.get().ui.shortcutHelp) return;
    e.preventDefault();
    void COMMANDS[command](services);
  };
  win.addEventListener('keydown', onKey);
  return () => {
    win.removeEventListener('keydown', onKey);
    for (const stop of stops) stop();
  };
}
