/** Every panel of the UI. Add a panel here: one import, one entry. */
import { eventListPanel } from './event-list/EventListPanel.js';
import { composePanel } from './compose/ComposePanel.js';
import { faultsPanel } from './faults/FaultsPanel.js';
import { inspectorPanel } from './inspector/InspectorPanel.js';
import { directoryPanel } from './lab/DirectoryPanel.js';
import { dnsPanel } from './lab/DnsPanel.js';
import { storesPanel } from './lab/StoresPanel.js';
import { queuePanel } from './queue/QueuePanel.js';
import type { PanelDefinition } from './registry.js';

export const PANELS: readonly PanelDefinition[] = [
  eventListPanel,
  inspectorPanel,
  composePanel,
  faultsPanel,
  queuePanel,
  directoryPanel,
  dnsPanel,
  storesPanel,
];
