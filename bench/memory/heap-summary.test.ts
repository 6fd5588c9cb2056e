// The heap summary on a hand-made snapshot: retained sizes follow dominators (a node reachable
// two ways belongs to their common dominator), weak edges retain nothing, and a group's
// retained total does not count a member nested inside another member twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeSnapshot } from './heap-summary.ts';

const NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'];
const EDGE_FIELDS = ['type', 'name_or_index', 'to_node'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

interface Spec {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly edges: readonly (readonly [kind: string, to: number])[];
}

function snapshot(specs: readonly Spec[]) {
  const strings = ['', 'ref'];
  const nodes: number[] = [];
  const edges: number[] = [];
  specs.forEach((s, i) => {
    strings.push(s.name);
    nodes.push(NODE_TYPES.indexOf(s.type), strings.length - 1, i + 1, s.size, s.edges.length, 0, 0);
    for (const [kind, to] of s.edges) edges.push(EDGE_TYPES.indexOf(kind), 1, to * NODE_FIELDS.length);
  });
  return { snapshot: { meta: { node_fields: NODE_FIELDS, node_types: [NODE_TYPES] as [string[]], edge_fields: EDGE_FIELDS, edge_types: [EDGE_TYPES] as [string[]] } }, nodes, edges, strings };
}

// root → holder → item B → item E; holder → item C ← item D ← root; a weak edge D ⇢ B
const GRAPH: Spec[] = [
  { name: '', type: 'synthetic', size: 0, edges: [['property', 1], ['property', 4]] },
  { name: 'Holder', type: 'object', size: 10, edges: [['property', 2], ['property', 3]] },
  { name: 'Item', type: 'object', size: 100, edges: [['property', 5]] },
  { name: 'Item', type: 'object', size: 50, edges: [] },
  { name: 'Item', type: 'object', size: 5, edges: [['property', 3], ['weak', 2]] },
  { name: 'Item', type: 'object', size: 7, edges: [] },
  { name: 'Orphan', type: 'object', size: 1_000, edges: [] },
];

test('retained sizes come from the dominator tree; weak and unreachable nodes retain nothing', () => {
  const summary = summarizeSnapshot(snapshot(GRAPH));
  assert.equal(summary.nodes, 6, 'the orphan is not reachable');
  assert.equal(summary.totalBytes, 172);
  const holder = summary.groups.find((g) => g.group === 'Holder')!;
  // B and E hang only off the holder (the weak edge does not count); C is shared with D
  assert.deepEqual({ count: holder.count, shallow: holder.shallowBytes, retained: holder.retainedBytes }, { count: 1, shallow: 10, retained: 117 });
});

test("a group's retained total counts only its outermost members", () => {
  const item = summarizeSnapshot(snapshot(GRAPH)).groups.find((g) => g.group === 'Item')!;
  // B (100 + E's 7), C (50) and D (5): E is inside B and is not added again
  assert.deepEqual({ count: item.count, shallow: item.shallowBytes, retained: item.retainedBytes }, { count: 4, shallow: 162, retained: 162 });
});

test('groups are sorted by retained size and strings are grouped by kind', () => {
  const specs: Spec[] = [
    { name: '', type: 'synthetic', size: 0, edges: [['property', 1], ['property', 2], ['property', 3]] },
    { name: 'hello', type: 'string', size: 40, edges: [] },
    { name: 'world', type: 'string', size: 24, edges: [] },
    { name: 'Small', type: 'object', size: 16, edges: [] },
  ];
  const groups = summarizeSnapshot(snapshot(specs)).groups.filter((g) => g.group !== '(synthetic)');
  assert.deepEqual(groups.map((g) => [g.group, g.retainedBytes]), [['(string)', 64], ['Small', 16]]);
});
