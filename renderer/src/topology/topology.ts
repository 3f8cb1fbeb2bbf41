/**
 * What the diagram draws: the hosts of GET /api/world, the logical parts of the MTA
 * (verdict engine, disk queue, router), the mail clients and the Internet's senders;
 * edges from the world's links plus the logical ones. The MTA's outgoing links (to
 * stores, the LAN and the smarthost) start at its router, because that is where the
 * route is chosen. Pure data, no React.
 */
import type { ServiceView, WorldView } from '../../../server/api/world-view.js';
import { pairKey } from '../fold/types.js';
import { placementOf, type NodeKind } from './layout.js';
import {
  INTERNET_NODE,
  LOCAL_CLIENT_NODE,
  QUEUE_NODE,
  ROUTER_NODE,
  VERDICT_NODE,
  clientNodeId,
  isClientNode,
} from './logical.js';

export type Side = 'top' | 'right' | 'bottom' | 'left';

export interface TopoNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** The host name under the label (absent for logical nodes). */
  host?: string;
  services: readonly ServiceView[];
}

export interface TopoEdge {
  /** The unordered node pair (pairKey): one edge per pair, whatever the protocols. */
  id: string;
  source: string;
  target: string;
  protocols: readonly string[];
  sourceSide: Side;
  targetSide: Side;
  /** Not in the world's links: drawn because a trace event crossed it. */
  adhoc: boolean;
}

export interface Topology {
  worldName: string;
  nodes: readonly TopoNode[];
  edges: readonly TopoEdge[];
  nodeIds: ReadonlySet<string>;
  /** Other ids the trace may use for a node: a user's uid or alternate address → their client node. */
  aliases: ReadonlyMap<string, string>;
}

/** A site user, as GET /api/directory lists them (when that endpoint exists). */
export interface DirectoryUser {
  mail: string;
  cn?: string;
  uid?: string;
  alternateAddresses?: readonly string[];
}

const DELIVERY_ROLES = new Set<string>(['store', 'lan-mta', 'smarthost', 'internet-mta']);

const LOGICAL_LABELS: Record<string, string> = {
  [VERDICT_NODE]: 'Verdict (anti-spam / anti-virus)',
  [QUEUE_NODE]: 'Disk queue',
  [ROUTER_NODE]: 'Router',
  [LOCAL_CLIENT_NODE]: 'Mail client (this machine)',
  [INTERNET_NODE]: 'Senders on the Internet',
};

export function buildTopology(world: WorldView, users: readonly DirectoryUser[] = []): Topology {
  const nodes: TopoNode[] = [];
  const logical = (id: string, kind: NodeKind, label = LOGICAL_LABELS[id]!) =>
    nodes.push({ id, kind, label, services: [] });
  const aliases = new Map<string, string>();
  for (const user of users) {
    const id = clientNodeId(user.mail);
    logical(id, 'client', user.cn ? `${user.cn}'s mail client` : user.mail);
    for (const other of [user.uid, ...(user.alternateAddresses ?? [])]) if (other) aliases.set(clientNodeId(other), id);
  }
  // Without a directory listing, one node stands for every mail client on this machine.
  if (users.length === 0) logical(LOCAL_CLIENT_NODE, 'client');
  const mta = world.hosts.find((h) => h.role === 'mta');
  if (mta) {
    logical(INTERNET_NODE, 'internet');
    logical(VERDICT_NODE, 'verdict');
    logical(QUEUE_NODE, 'queue');
    logical(ROUTER_NODE, 'router');
  }
  for (const h of world.hosts)
    nodes.push({ id: h.name, kind: h.role, label: h.label ?? h.name, host: h.name, services: h.services });

  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  const edges = new Map<string, TopoEdge>();
  const link = (from: string, to: string, protocol: string, adhoc = false) => {
    const fromKind = kinds.get(from);
    const toKind = kinds.get(to);
    if (fromKind === undefined || toKind === undefined || from === to) return;
    const id = pairKey(from, to);
    const existing = edges.get(id);
    if (existing) {
      if (protocol && !existing.protocols.includes(protocol)) (existing.protocols as string[]).push(protocol);
      return;
    }
    edges.set(id, { id, ...orient(from, fromKind, to, toKind), protocols: protocol ? [protocol] : [], adhoc });
  };

  const clients = nodes.filter((n) => n.kind === 'client').map((n) => n.id);
  const mmps = world.hosts.filter((h) => h.role === 'mmp').map((h) => h.name);
  if (mta) {
    for (const c of clients) link(c, mta.name, 'submission');
    link(INTERNET_NODE, mta.name, 'smtp');
    link(mta.name, VERDICT_NODE, '');
    link(VERDICT_NODE, QUEUE_NODE, '');
    link(QUEUE_NODE, ROUTER_NODE, '');
  }
  for (const c of clients) for (const m of mmps) link(c, m, 'imap');
  for (const l of world.links) {
    const toDelivery = mta !== undefined && l.from === mta.name && DELIVERY_ROLES.has(kinds.get(l.to) ?? '');
    link(toDelivery ? ROUTER_NODE : l.from, l.to, l.protocol);
  }
  return { worldName: world.name, nodes, edges: [...edges.values()], nodeIds: new Set(kinds.keys()), aliases };
}

/** The diagram's node for an id from the trace (a user's uid finds their client; any client, the local one). */
export function resolveNodeId(topology: Topology, id: string): string | undefined {
  if (topology.nodeIds.has(id)) return id;
  const alias = topology.aliases.get(id.toLowerCase());
  if (alias !== undefined) return alias;
  if (isClientNode(id) && topology.nodeIds.has(LOCAL_CLIENT_NODE)) return LOCAL_CLIENT_NODE;
  return undefined;
}

/** Adds an edge for each pair the trace crossed that the topology lacks. Same object when none is new. */
export function withTracedPairs(topology: Topology, pairs: ReadonlySet<string>): Topology {
  const known = new Set(topology.edges.map((e) => e.id));
  const kinds = new Map(topology.nodes.map((n) => [n.id, n.kind]));
  const extra: TopoEdge[] = [];
  for (const pair of pairs) {
    const [a, b] = pair.split('|') as [string, string];
    const from = resolveNodeId(topology, a);
    const to = resolveNodeId(topology, b);
    if (from === undefined || to === undefined || from === to) continue;
    const id = pairKey(from, to);
    if (known.has(id)) continue;
    known.add(id);
    extra.push({ id, ...orient(from, kinds.get(from)!, to, kinds.get(to)!), protocols: [], adhoc: true });
  }
  return extra.length === 0 ? topology : { ...topology, edges: [...topology.edges, ...extra] };
}

/**
 * Which end is the source and which sides the edge leaves and enters by: left to
 * right in the flow, up to the directory, down to the MMP / DNS.
 */
function orient(
  a: string,
  aKind: NodeKind,
  b: string,
  bKind: NodeKind,
): Pick<TopoEdge, 'source' | 'target' | 'sourceSide' | 'targetSide'> {
  const pa = placementOf(aKind);
  const pb = placementOf(bKind);
  const bandOrder = { top: 0, middle: 1, bottom: 2 };
  // Middle ↔ bottom in different columns reads better left to right (client → MMP → store).
  const sideways = pa.band !== 'top' && pb.band !== 'top' && pa.column !== pb.column;
  if (pa.band !== pb.band && !sideways) {
    const [upper, lower] = bandOrder[pa.band] < bandOrder[pb.band] ? [a, b] : [b, a];
    return { source: lower, target: upper, sourceSide: 'top', targetSide: 'bottom' };
  }
  const [left, right] = pa.column <= pb.column ? [a, b] : [b, a];
  return { source: left, target: right, sourceSide: 'right', targetSide: 'left' };
}
