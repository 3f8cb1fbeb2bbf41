/**
 * The live diagram. Nodes and edges come from the topology (world + logical parts);
 * positions from the default layout, overridden by what the user dragged (saved per
 * world). Node and edge components read their live state from the store themselves,
 * so the arrays handed to React Flow change only when the topology or a position does.
 */
import {
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useReactFlow,
  type EdgeTypes,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useAppState, useServices } from '../app/services.js';
import { actions } from '../state/app-state.js';
import { layoutNodes, type Point } from '../topology/layout.js';
import { clearLayout, loadLayout, saveLayout } from '../topology/saved-layout.js';
import type { Topology } from '../topology/topology.js';
import { TokenEdge, type TokenEdgeType } from './edges/TokenEdge.js';
import type { MailNodeType } from './nodes/NodeFrame.js';
import { nodeTypeFor, nodeTypes } from './nodes/index.js';

const edgeTypes: EdgeTypes = { token: TokenEdge };

function flowNodes(topology: Topology, keep: ReadonlyMap<string, Point>, saved: Record<string, Point>): MailNodeType[] {
  const defaults = layoutNodes(topology.nodes);
  return topology.nodes.map((n) => ({
    id: n.id,
    type: nodeTypeFor(n.kind),
    position: keep.get(n.id) ?? saved[n.id] ?? defaults.get(n.id) ?? { x: 0, y: 0 },
    data: { kind: n.kind, label: n.label, host: n.host, services: n.services },
  }));
}

function flowEdges(topology: Topology): TokenEdgeType[] {
  return topology.edges.map((e) => ({
    id: e.id,
    type: 'token',
    source: e.source,
    target: e.target,
    sourceHandle: e.sourceSide,
    targetHandle: `${e.targetSide}-in`,
    focusable: false,
    data: { protocols: e.protocols, adhoc: e.adhoc },
  }));
}

function DiagramCanvas({ topology }: { topology: Topology }) {
  const { store } = useServices();
  const epoch = useAppState((s) => s.ui.layoutEpoch);
  const { fitView } = useReactFlow();
  const [nodes, setNodes] = useState<MailNodeType[]>([]);
  const seenEpoch = useRef(epoch);

  useEffect(() => {
    const reset = seenEpoch.current !== epoch;
    seenEpoch.current = epoch;
    if (reset) clearLayout(localStorage, topology.worldName);
    const saved = reset ? {} : loadLayout(localStorage, topology.worldName);
    setNodes((current) => {
      const keep = reset ? new Map<string, Point>() : new Map(current.map((n) => [n.id, n.position]));
      return flowNodes(topology, keep, saved);
    });
    if (reset) requestAnimationFrame(() => void fitView({ padding: 0.08 }));
  }, [topology, epoch, fitView]);

  const edges = useMemo(() => flowEdges(topology), [topology]);
  const onNodesChange = useCallback(
    (changes: NodeChange<MailNodeType>[]) => setNodes((ns) => applyNodeChanges(changes, ns)),
    [],
  );
  const onNodeDragStop = useCallback(() => {
    setNodes((ns) => {
      saveLayout(localStorage, topology.worldName, Object.fromEntries(ns.map((n) => [n.id, n.position])));
      return ns;
    });
  }, [topology.worldName]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={onNodesChange}
      onNodeDragStop={onNodeDragStop}
      onNodeClick={(_e, node) => actions.selectNode(store, node.id)}
      onPaneClick={() => actions.selectNode(store, undefined)}
      nodesConnectable={false}
      edgesFocusable={false}
      elementsSelectable
      fitView
      fitViewOptions={{ padding: 0.08 }}
      minZoom={0.2}
    >
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

export function Diagram() {
  const { selectors } = useServices();
  const topology = useAppState(selectors.topology);
  const phase = useAppState((s) => s.connection.phase);
  if (!topology) {
    return (
      <div className="diagram-empty">
        {phase === 'offline' ? 'Cannot reach the lab yet — retrying…' : 'Loading the world…'}
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <DiagramCanvas topology={topology} />
    </ReactFlowProvider>
  );
}
