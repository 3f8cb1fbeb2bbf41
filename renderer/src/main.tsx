/** Entry point: take the token from the ready URL, boot the app, render it. */
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeToken } from './api/token.js';
import { App, NoToken } from './app/App.js';
import { bootApp, testHook, type TestHook } from './app/boot.js';
import { mountKeyboard } from './app/keyboard.js';
import { PANELS } from './panels/index.js';

declare global {
  interface Window {
    __mailscope?: TestHook;
  }
}

const root = createRoot(document.getElementById('root')!);
const token = takeToken(window.location, window.history, window.sessionStorage);
if (token === undefined) {
  root.render(<NoToken />);
} else {
  const motionQuery = window.matchMedia('(prefers-reduced-motion: reduce)');
  const app = bootApp({ origin: window.location.origin, token, reducedMotion: motionQuery.matches });
  motionQuery.addEventListener('change', (e) =>
    app.services.store.set((s) => ({ ...s, ui: { ...s.ui, reducedMotion: e.matches } })),
  );
  window.__mailscope = testHook(app);
  mountKeyboard(window, app.services);
  root.render(
    <StrictMode>
      <App services={app.services} panels={PANELS} />
    </StrictMode>,
  );
}
