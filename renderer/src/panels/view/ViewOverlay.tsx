/**
 * What floats above the app: the view switches (theme, presenter mode, shortcut help),
 * the shortcut help itself, and a short notice after a keyboard action. Rendered in a
 * root of its own so the app shell needs no change to host it.
 */
import '../../styles/panels.css';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ServicesContext, useAppState, useServices, type AppServices } from '../../app/services.js';
import { actions } from '../../state/app-state.js';
import { SHORTCUTS } from './shortcuts.js';

const NOTICE_MS = 2500;

function Notice() {
  const notice = useAppState((s) => s.ui.notice);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!notice) return undefined;
    setVisible(true);
    const timer = setTimeout(() => setVisible(false), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice || !visible) return null;
  return (
    <div className="notice" role="status" data-testid="notice">
      {notice.text}
    </div>
  );
}

function Help() {
  const { store } = useServices();
  const open = useAppState((s) => s.ui.shortcutHelp ?? false);
  if (!open) return null;
  return (
    <div className="help-backdrop" onClick={() => actions.setShortcutHelp(store, false)}>
      <div className="help" role="dialog" aria-label="keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <dl>
          {SHORTCUTS.map((s) => (
            <div key={s.command} className="help__row">
              <dt>
                <kbd>{s.label}</kbd>
              </dt>
              <dd>{s.help}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={() => actions.setShortcutHelp(store, false)}>
          close
        </button>
      </div>
    </div>
  );
}

function ViewSwitches() {
  const { store } = useServices();
  const theme = useAppState((s) => s.ui.theme ?? 'light');
  const presenter = useAppState((s) => s.ui.presenter ?? false);
  return (
    <div className="view-switches" role="group" aria-label="view">
      <button
        type="button"
        title="light / dark theme (t)"
        aria-label={theme === 'dark' ? 'light theme' : 'dark theme'}
        onClick={() => actions.setTheme(store, theme === 'dark' ? 'light' : 'dark')}
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button
        type="button"
        aria-pressed={presenter}
        title="presenter mode (p)"
        onClick={() => actions.setPresenter(store, !presenter)}
      >
        presenter
      </button>
      <button
        type="button"
        title="keyboard shortcuts (?)"
        aria-label="keyboard shortcuts"
        onClick={() => actions.setShortcutHelp(store, true)}
      >
        ?
      </button>
    </div>
  );
}

export function mountViewOverlay(doc: Document, services: AppServices): () => void {
  const host = doc.createElement('div');
  host.className = 'view-overlay';
  doc.body.appendChild(host);
  const root = createRoot(host);
  root.render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <ViewSwitches />
        <Notice />
        <Help />
      </ServicesContext.Provider>
    </StrictMode>,
  );
  return () => {
    root.unmount();
    host.remove();
  };
}
