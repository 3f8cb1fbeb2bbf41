/**
 * Panels live in docks around the diagram (right and bottom). A panel is a definition
 * — id, title, dock area, order, component — listed in panels/index.ts; the Dock shows
 * the panels of its area as tabs. A panel reads the store with useAppState() and
 * talks to the world with useServices().api; it owns no global state.
 */
import type { ComponentType } from 'react';
import type { DockArea } from '../state/app-state.js';

export interface PanelProps {
  area: DockArea;
}

export interface PanelDefinition {
  /** Stable id: kept in UiState.dock to say which panel is open. */
  id: string;
  title: string;
  area: DockArea;
  /** Tab order within the area (lower first). */
  order: number;
  component: ComponentType<PanelProps>;
}

export function panelsIn(panels: readonly PanelDefinition[], area: DockArea): PanelDefinition[] {
  return panels.filter((p) => p.area === area).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
