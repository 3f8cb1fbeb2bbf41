/** Every panel of the UI. Add a panel here: one import, one entry. */
import { eventListPanel } from './event-list/EventListPanel.js';
import type { PanelDefinition } from './registry.js';

export const PANELS: readonly PanelDefinition[] = [eventListPanel];
