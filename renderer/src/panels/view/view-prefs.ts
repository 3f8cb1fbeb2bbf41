/**
 * View settings that live outside React: the theme and presenter mode become attributes
 * of <html> (the CSS custom properties switch on them) and are remembered; choosing a
 * message opens the inspector if the right dock is folded; the node picked in a panel
 * is marked on the diagram.
 */
import { actions, type AppStore } from '../../state/app-state.js';

const THEME_KEY = 'mailscope.theme';
const PRESENTER_KEY = 'mailscope.presenter';

export interface PrefsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The remembered theme, else the system's preference. */
export function initialTheme(storage: PrefsStorage, prefersDark: boolean): 'light' | 'dark' {
  const saved = storage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return prefersDark ? 'dark' : 'light';
}

export function restoreViewPrefs(store: AppStore, storage: PrefsStorage, prefersDark: boolean): void {
  actions.setTheme(store, initialTheme(storage, prefersDark));
  actions.setPresenter(store, storage.getItem(PRESENTER_KEY) === '1');
}

/** Keeps <html data-theme data-presenter> and the saved choice in step with the store. */
export function followViewPrefs(store: AppStore, root: HTMLElement, storage: PrefsStorage): () => void {
  let theme: string | undefined;
  let presenter: boolean | undefined;
  const apply = () => {
    const ui = store.get().ui;
    if (ui.theme !== theme) {
      theme = ui.theme;
      root.dataset.theme = theme ?? 'light';
      if (theme) storage.setItem(THEME_KEY, theme);
    }
    if (ui.presenter !== presenter) {
      presenter = ui.presenter;
      root.dataset.presenter = presenter ? 'on' : 'off';
      storage.setItem(PRESENTER_KEY, presenter ? '1' : '0');
    }
  };
  apply();
  return store.subscribe(apply);
}

/** Picking a message while the right dock is folded opens the inspector there. */
export function openInspectorOnSelect(store: AppStore): () => void {
  let selected = store.get().ui.selectedTraceId;
  return store.subscribe(() => {
    const ui = store.get().ui;
    if (ui.selectedTraceId === selected) return;
    selected = ui.selectedTraceId;
    if (selected !== undefined && ui.dock.right === undefined) actions.openPanel(store, 'right', 'inspector');
  });
}

/**
 * A node picked from a panel (a Received: host, a route's target) is marked with
 * data-picked on its diagram element; the diagram's own selection is React Flow's.
 */
export function markPickedNode(store: AppStore, doc: Document): () => void {
  let marked: string | undefined;
  const apply = () => {
    const id = store.get().ui.selectedNodeId;
    const current = id === undefined ? null : doc.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
    if (id === marked && (current === null || current.hasAttribute('data-picked'))) return;
    for (const el of doc.querySelectorAll('.react-flow__node[data-picked]')) el.removeAttribute('data-picked');
    current?.setAttribute('data-picked', '');
    marked = current ? id : undefined;
  };
  return store.subscribe(apply);
}
