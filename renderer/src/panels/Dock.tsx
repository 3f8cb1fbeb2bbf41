/** A dock area: the tabs of its panels and the open one. Clicking the open tab folds the area. */
import { useAppState, useServices } from '../app/services.js';
import { actions, type DockArea } from '../state/app-state.js';
import { panelsIn, type PanelDefinition } from './registry.js';

export function Dock({ area, panels }: { area: DockArea; panels: readonly PanelDefinition[] }) {
  const { store } = useServices();
  const openId = useAppState((s) => s.ui.dock[area]);
  const mine = panelsIn(panels, area);
  if (mine.length === 0) return null;
  const open = mine.find((p) => p.id === openId);
  const Panel = open?.component;
  return (
    <section className={`dock dock--${area} ${open ? 'dock--open' : 'dock--folded'}`} aria-label={`${area} panels`}>
      <div className="dock__tabs" role="tablist">
        {mine.map((p) => (
          <button
            key={p.id}
            role="tab"
            aria-selected={p.id === openId}
            className={`dock__tab ${p.id === openId ? 'dock__tab--open' : ''}`}
            onClick={() => actions.openPanel(store, area, p.id === openId ? undefined : p.id)}
          >
            {p.title}
          </button>
        ))}
      </div>
      {Panel && (
        <div className="dock__body" role="tabpanel" data-panel={open.id}>
          <Panel area={area} />
        </div>
      )}
    </section>
  );
}
