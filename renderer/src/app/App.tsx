/** The shell: toolbar on top, the diagram with a dock on its right, a dock below. */
import { Diagram } from '../diagram/Diagram.js';
import { Dock } from '../panels/Dock.js';
import type { PanelDefinition } from '../panels/registry.js';
import { Toolbar } from './Toolbar.js';
import { ServicesContext, type AppServices } from './services.js';

export function App({ services, panels }: { services: AppServices; panels: readonly PanelDefinition[] }) {
  return (
    <ServicesContext.Provider value={services}>
      <div className="app">
        <Toolbar />
        <main className="app__main">
          <div className="app__diagram">
            <Diagram />
          </div>
          <Dock area="right" panels={panels} />
        </main>
        <Dock area="bottom" panels={panels} />
      </div>
    </ServicesContext.Provider>
  );
}

export function NoToken() {
  return (
    <div className="no-token">
      <h1>Mailscope</h1>
      <p>
        This page needs the address printed by <code>npm run serve</code> (the line starting with <code>ready</code>),
        which carries the lab's access token.
      </p>
    </div>
  );
}
