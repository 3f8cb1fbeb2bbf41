/**
 * The default layout: a pure function from the kinds of the nodes to positions. It
 * reads left to right like the architecture sketch in DESIGN.md —
 *
 *   clients → MTA → verdict → queue → router → stores / LAN / smarthost → Internet MX
 *
 * with the directory above the flow and the MMP, DNS and web host below it. Each
 * column is stacked and centred on the flow's axis; the bands above and below sit
 * clear of the tallest column, so nothing overlaps whatever the world's size.
 */
export type NodeKind =
  | 'mta'
  | 'store'
  | 'directory'
  | 'dns'
  | 'mmp'
  | 'web'
  | 'lan-mta'
  | 'smarthost'
  | 'internet-mta'
  | 'queue'
  | 'verdict'
  | 'router'
  | 'client'
  | 'internet';

export type Band = 'top' | 'middle' | 'bottom';

export interface Placement {
  band: Band;
  /** Left-to-right position; halves sit in the gap between two columns. */
  column: number;
  /** Order within a column (stable tie-break: the input order). */
  rank: number;
}

const PLACEMENT: Readonly<Record<NodeKind, Placement>> = {
  client: { band: 'middle', column: 0, rank: 0 },
  internet: { band: 'middle', column: 0, rank: 1 },
  mta: { band: 'middle', column: 1, rank: 0 },
  verdict: { band: 'middle', column: 2, rank: 0 },
  queue: { band: 'middle', column: 3, rank: 0 },
  router: { band: 'middle', column: 4, rank: 0 },
  store: { band: 'middle', column: 5, rank: 0 },
  'lan-mta': { band: 'middle', column: 5, rank: 1 },
  smarthost: { band: 'middle', column: 5, rank: 2 },
  'internet-mta': { band: 'middle', column: 6, rank: 0 },
  // Between MTA and verdict: the MMP sits near the clients it serves (as in the sketch),
  // and its directory edge runs up the gap between the two columns.
  directory: { band: 'top', column: 1.5, rank: 0 },
  mmp: { band: 'bottom', column: 1.5, rank: 0 },
  web: { band: 'bottom', column: 0, rank: 0 },
  dns: { band: 'bottom', column: 6, rank: 0 },
};

export function placementOf(kind: NodeKind): Placement {
  return PLACEMENT[kind];
}

export interface LayoutInput {
  id: string;
  kind: NodeKind;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export const NODE_WIDTH = 176;
export const COLUMN_GAP = 72;
export const ROW_GAP = 28;
export const BAND_GAP = 64;

export function nodeSize(kind: NodeKind): Size {
  if (kind === 'queue') return { width: NODE_WIDTH, height: 104 };
  if (kind === 'client' || kind === 'internet') return { width: NODE_WIDTH, height: 64 };
  return { width: NODE_WIDTH, height: 84 };
}

const columnX = (column: number) => column * (NODE_WIDTH + COLUMN_GAP);

/** Positions (top-left corners, React Flow's convention) for every node. */
export function layoutNodes(nodes: readonly LayoutInput[], sizeOf = nodeSize): Map<string, Point> {
  const positions = new Map<string, Point>();
  const sorted = nodes
    .map((node, index) => ({ node, index, place: placementOf(node.kind), size: sizeOf(node.kind) }))
    .sort((a, b) => a.place.rank - b.place.rank || a.index - b.index);

  const middle = groupBy(
    sorted.filter((n) => n.place.band === 'middle'),
    (n) => n.place.column,
  );
  let middleTop = 0;
  let middleBottom = 0;
  for (const [column, members] of middle) {
    const total = members.reduce((sum, n) => sum + n.size.height, 0) + ROW_GAP * (members.length - 1);
    let y = -total / 2;
    for (const n of members) {
      positions.set(n.node.id, { x: columnX(column), y });
      y += n.size.height + ROW_GAP;
    }
    middleTop = Math.min(middleTop, -total / 2);
    middleBottom = Math.max(middleBottom, total / 2);
  }
  placeBand(
    sorted.filter((n) => n.place.band === 'top'),
    positions,
    (h) => middleTop - BAND_GAP - h,
  );
  placeBand(
    sorted.filter((n) => n.place.band === 'bottom'),
    positions,
    () => middleBottom + BAND_GAP,
  );
  return positions;
}

type Sized = { node: LayoutInput; place: Placement; size: Size };

/** A band is one row: nodes wanting the same spot move right until they fit. */
function placeBand(members: Sized[], positions: Map<string, Point>, yFor: (height: number) => number): void {
  const taken: Array<{ left: number; right: number }> = [];
  const byColumn = [...members].sort((a, b) => a.place.column - b.place.column);
  for (const n of byColumn) {
    let left = columnX(n.place.column);
    for (const span of taken.sort((a, b) => a.left - b.left)) {
      if (left < span.right + COLUMN_GAP && left + n.size.width + COLUMN_GAP > span.left)
        left = span.right + COLUMN_GAP;
    }
    taken.push({ left, right: left + n.size.width });
    positions.set(n.node.id, { x: left, y: yFor(n.size.height) });
  }
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
