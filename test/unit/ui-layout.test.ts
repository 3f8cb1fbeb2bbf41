import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HostSpec } from '../../server/api/world-spec.js';
import type { WorldView } from '../../server/api/world-view.js';
import { loadWorldSpec } from '../../server/world/load-spec.js';
import { worldLinks } from '../../server/world/world-view.js';
import { layoutNodes, nodeSize } from '../../renderer/src/topology/layout.js';
import { clearLayout, loadLayout, saveLayout } from '../../renderer/src/topology/saved-layout.js';
import {
  LOCAL_CLIENT_NODE,
  QUEUE_NODE,
  ROUTER_NODE,
  VERDICT_NODE,
  clientNodeId,
} from '../../renderer/src/topology/logical.js';
import { buildTopology, resolveNodeId, withTracedPairs, type Topology } from '../../renderer/src/topology/topology.js';
import { pairKey } from '../../renderer/src/fold/types.js';

function viewOf(hosts: HostSpec[]): WorldView {
  return {
    name: 'test',
    clock: { mode: 'real', now: 0 },
    hosts: hosts.map((h) => ({ name: h.name, role: h.role, label: h.label, services: [] })),
    links: worldLinks(hosts),
  };
}

function boxes(topology: Topology): Array<{ id: string; x: number; y: number; w: number; h: number }> {
  const positions = layoutNodes(topology.nodes);
  return topology.nodes.map((n) => {
    const p = positions.get(n.id)!;
    const size = nodeSize(n.kind);
    return { id: n.id, x: p.x, y: p.y, w: size.width, h: size.height };
  });
}

function assertNoOverlap(topology: Topology): void {
  const all = boxes(topology);
  assert.equal(all.length, topology.nodes.length);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      assert.ok(apart, `${a.id} overlaps ${b.id}`);
    }
  }
}

const defaultWorld = () => viewOf(loadWorldSpec().hosts);

describe('the diagram topology and its default layout', () => {
  test('every host is a node, with the logical parts and a local client; deliveries leave from the router', () => {
    const topology = buildTopology(defaultWorld());
    for (const h of loadWorldSpec().hosts) assert.ok(topology.nodeIds.has(h.name), h.name);
    for (const id of [QUEUE_NODE, VERDICT_NODE, ROUTER_NODE, LOCAL_CLIENT_NODE])
      assert.ok(topology.nodeIds.has(id), id);
    const edge = (a: string, b: string) => topology.edges.find((e) => e.id === pairKey(a, b));
    assert.ok(edge(ROUTER_NODE, 'mailboxb.siroe.example'));
    assert.equal(edge('mta.siroe.example', 'mailboxb.siroe.example'), undefined);
    assert.deepEqual(
      edge('mmp.siroe.example', 'mailboxa.siroe.example')!.protocols,
      ['imap', 'pop3'],
      'one edge per pair',
    );
    for (const e of topology.edges) assert.ok(topology.nodeIds.has(e.source) && topology.nodeIds.has(e.target));
  });

  test('with the directory listing, each site user gets a client node, found by address, uid or alias', () => {
    const users = [
      { mail: 'alice@siroe.example', cn: 'Alice', uid: 'alice', alternateAddresses: ['postmaster@siroe.example'] },
      { mail: 'bob@siroe.example', cn: 'Bob', uid: 'bob' },
    ];
    const topology = buildTopology(defaultWorld(), users);
    const alice = clientNodeId('alice@siroe.example');
    assert.equal(topology.nodeIds.has(LOCAL_CLIENT_NODE), false, 'no generic client when the users are known');
    assert.equal(topology.nodes.find((n) => n.id === alice)!.label, "Alice's mail client");
    assert.equal(resolveNodeId(topology, clientNodeId('alice')), alice);
    assert.equal(resolveNodeId(topology, clientNodeId('Postmaster@siroe.example')), alice);
    assert.equal(resolveNodeId(topology, clientNodeId('nobody@siroe.example')), undefined);
    const edge = topology.edges.find((e) => e.id === pairKey(alice, 'mta.siroe.example'))!;
    assert.deepEqual([edge.source, edge.protocols], [alice, ['submission']]);
    assertNoOverlap(topology);
  });

  test('the default layout has no overlaps and reads left to right', () => {
    const topology = buildTopology(defaultWorld());
    assertNoOverlap(topology);
    const at = layoutNodes(topology.nodes);
    const x = (id: string) => at.get(id)!.x;
    const story = [
      LOCAL_CLIENT_NODE,
      'mta.siroe.example',
      VERDICT_NODE,
      QUEUE_NODE,
      ROUTER_NODE,
      'mailboxa.siroe.example',
      'mx1.example.com',
    ];
    for (let i = 1; i < story.length; i++)
      assert.ok(x(story[i - 1]!) < x(story[i]!), `${story[i - 1]} left of ${story[i]}`);
    assert.equal(x('smarthost.siroe.example'), x('mailboxa.siroe.example'), 'deliveries share a column');
    const middle = ['mta.siroe.example', QUEUE_NODE, ROUTER_NODE, 'mailboxa.siroe.example'].map((id) => at.get(id)!.y);
    assert.ok(at.get('ldap.siroe.example')!.y < Math.min(...middle), 'the directory sits above the flow');
    assert.ok(at.get('ns.siroe.example')!.y > Math.max(...middle), 'DNS sits below');
    assert.ok(at.get('mmp.siroe.example')!.y > Math.max(...middle), 'the MMP sits below');
    const clientX = x(LOCAL_CLIENT_NODE);
    assert.ok(
      clientX < x('mmp.siroe.example') && x('mmp.siroe.example') < x('mailboxa.siroe.example'),
      'MMP between clients and stores',
    );
  });

  test('a big world (many users, stores and Internet hosts) still has no overlaps', () => {
    const hosts = loadWorldSpec().hosts;
    const extra: HostSpec[] = [];
    for (let i = 0; i < 6; i++) extra.push({ name: `store${i}.siroe.example`, role: 'store', services: [] });
    for (let i = 0; i < 9; i++) extra.push({ name: `mx${i}.example.info`, role: 'internet-mta', services: [] });
    extra.push(
      { name: 'ns2.siroe.example', role: 'dns', services: [] },
      { name: 'web2.siroe.example', role: 'web', services: [] },
    );
    const users = Array.from({ length: 25 }, (_, i) => ({ mail: `user${i}@siroe.example`, cn: `User ${i}` }));
    const topology = buildTopology(viewOf([...hosts, ...extra]), users);
    assert.ok(topology.nodeIds.has(clientNodeId('user7@siroe.example')));
    assertNoOverlap(topology);
  });

  test('trace ids map onto the diagram; a pair the world has no link for gets an ad hoc edge', () => {
    const topology = buildTopology(defaultWorld());
    assert.equal(resolveNodeId(topology, clientNodeId('alice@siroe.example')), LOCAL_CLIENT_NODE);
    assert.equal(resolveNodeId(topology, 'nowhere.example'), undefined);
    const known = new Set([pairKey(ROUTER_NODE, 'mailboxa.siroe.example')]);
    assert.equal(withTracedPairs(topology, known), topology, 'nothing new: same topology');
    // The world has no store ↔ Internet link; a trace that crosses one still gets drawn.
    const traced = withTracedPairs(topology, new Set([pairKey('mx.example.org', 'mailboxa.siroe.example')]));
    const added = traced.edges.find((e) => e.adhoc)!;
    assert.deepEqual(
      [added.source, added.target],
      ['mailboxa.siroe.example', 'mx.example.org'],
      'oriented left to right',
    );
  });

  test('dragged positions are saved per world; a corrupt entry is ignored, reset forgets them', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    } as Storage;
    saveLayout(storage, 'siroe.example', { 'mta.siroe.example': { x: 10, y: -20 } });
    assert.deepEqual(loadLayout(storage, 'siroe.example'), { 'mta.siroe.example': { x: 10, y: -20 } });
    assert.deepEqual(loadLayout(storage, 'other.example'), {}, 'per world');
    data.set('mailscope.layout.siroe.example', '{"a":{"x":"1","y":2},"b":{"x":3,"y":4},"c":null}');
    assert.deepEqual(loadLayout(storage, 'siroe.example'), { b: { x: 3, y: 4 } });
    data.set('mailscope.layout.siroe.example', 'not json');
    assert.deepEqual(loadLayout(storage, 'siroe.example'), {});
    clearLayout(storage, 'siroe.example');
    assert.equal(data.size, 0);
  });
});
