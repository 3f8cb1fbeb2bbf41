/** Node components by type; the diagram picks the type from the node's kind. */
import type { NodeTypes } from '@xyflow/react';
import type { NodeKind } from '../../topology/layout.js';
import { HostNode } from './HostNode.js';
import { QueueNode } from './QueueNode.js';
import { StoreNode } from './StoreNode.js';

// Defined once, outside any component: React Flow re-mounts every node if this object changes.
export const nodeTypes: NodeTypes = { host: HostNode, store: StoreNode, queue: QueueNode };

export function nodeTypeFor(kind: NodeKind): keyof typeof nodeTypes {
  if (kind === 'store') return 'store';
  if (kind === 'queue') return 'queue';
  return 'host';
}
