// What holds a V8 heap: reads a .heapsnapshot (node --heapsnapshot-signal, v8.writeHeapSnapshot)
// and sums shallow and retained sizes by constructor, the way DevTools' summary view does. The
// retained size comes from the dominator tree (Cooper, Harvey & Kennedy's iterative algorithm);
// a group's retained total counts only its outermost members, so nested ones are not counted twice.
//
//   node --import tsx bench/memory/heap-summary.ts <snapshot> [<later snapshot>] [--top N]
//
// With two snapshots it prints, per group, how count and shallow size changed between them:
// what grows over time is what to look at first.
import { readFileSync } from 'node:fs';
import { argValue } from '../cli-args.ts';

export interface GroupSummary {
  readonly group: string;
  readonly count: number;
  readonly shallowBytes: number;
  readonly retainedBytes: number;
}

export interface HeapSummary {
  readonly nodes: number;
  readonly totalBytes: number;
  readonly groups: GroupSummary[];
}

interface RawSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[]]; readonly edge_fields: string[]; readonly edge_types: [string[]] } };
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
}

/** The name a node is grouped under: its constructor for objects, a kind in parentheses otherwise. */
function groupName(type: string, name: string): string {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'closure':
      return '(closure)';
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'array':
      return '(array)';
    case 'code':
      return '(compiled code)';
    case 'hidden':
    case 'object shape':
      return '(system)';
    case 'number':
    case 'heap number':
      return '(number)';
    default:
      return `(${type})`;
  }
}

export function summarizeSnapshot(raw: RawSnapshot): HeapSummary {
  const meta = raw.snapshot.meta;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const typeOffset = meta.node_fields.indexOf('type');
  const nameOffset = meta.node_fields.indexOf('name');
  const sizeOffset = meta.node_fields.indexOf('self_size');
  const edgeCountOffset = meta.node_fields.indexOf('edge_count');
  const edgeTypeOffset = meta.edge_fields.indexOf('type');
  const edgeToOffset = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const { nodes, edges, strings } = raw;
  const n = nodes.length / nodeFieldCount;

  // adjacency (strong edges only) and its reverse, in compressed form
  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0, e = 0; i < n; i++) {
    firstEdge[i] = e;
    e += nodes[i * nodeFieldCount + edgeCountOffset]! * edgeFieldCount;
    firstEdge[i + 1] = e;
  }
  const successors = (i: number, visit: (j: number) => void): void => {
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += edgeFieldCount) {
      if (edges[e + edgeTypeOffset] === weak) continue;
      visit(edges[e + edgeToOffset]! / nodeFieldCount);
    }
  };

  // post-order from the root (node 0), iteratively
  const order = new Int32Array(n).fill(-1);
  const postOrder: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(n);
  const onStack = new Uint8Array(n);
  onStack[0] = 1;
  for (let i = 0; i < n; i++) cursor[i] = firstEdge[i]!;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    let pushed = false;
    while (cursor[top]! < firstEdge[top + 1]!) {
      const e = cursor[top]!;
      cursor[top] = e + edgeFieldCount;
      if (edges[e + edgeTypeOffset] === weak) continue;
      const next = edges[e + edgeToOffset]! / nodeFieldCount;
      if (onStack[next] === 0) {
        onStack[next] = 1;
        stack.push(next);
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      stack.pop();
      order[top] = postOrder.length;
      postOrder.push(top);
    }
  }

  const predecessors: number[][] = Array.from({ length: n }, () => []);
  for (const i of postOrder) successors(i, (j) => predecessors[j]!.push(i));

  // dominators: iterate in reverse post-order until nothing changes
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = postOrder.length - 2; k >= 0; k--) {
      const b = postOrder[k]!;
      let chosen = -1;
      for (const p of predecessors[b]!) {
        if (idom[p] === -1) continue;
        chosen = chosen === -1 ? p : intersect(p, chosen);
      }
      if (chosen !== -1 && idom[b] !== chosen) {
        idom[b] = chosen;
        changed = true;
      }
    }
  }

  // retained sizes: children before parents, which post-order gives
  const retained = new Float64Array(n);
  for (let i = 0; i < n; i++) retained[i] = nodes[i * nodeFieldCount + sizeOffset]!;
  for (const i of postOrder) if (i !== 0) retained[idom[i]!] = retained[idom[i]!]! + retained[i]!;

  const groupIds = new Map<string, number>();
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * nodeFieldCount;
    const name = groupName(nodeTypes[nodes[base + typeOffset]!] ?? 'unknown', strings[nodes[base + nameOffset]!] ?? '');
    let id = groupIds.get(name);
    if (id === undefined) groupIds.set(name, (id = groupIds.size));
    groupOf[i] = id;
  }
  const count = new Float64Array(groupIds.size);
  const shallow = new Float64Array(groupIds.size);
  const retainedByGroup = new Float64Array(groupIds.size);

  // walk the dominator tree; a node adds its retained size only if no dominator shares its group
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const i of postOrder) if (i !== 0) children[idom[i]!]!.push(i);
  const onPath = new Uint32Array(groupIds.size);
  const walk: { node: number; entered: boolean }[] = [{ node: 0, entered: false }];
  while (walk.length > 0) {
    const frame = walk.pop()!;
    const g = groupOf[frame.node]!;
    if (frame.entered) {
      onPath[g]!--;
      continue;
    }
    count[g]!++;
    shallow[g] = shallow[g]! + nodes[frame.node * nodeFieldCount + sizeOffset]!;
    if (onPath[g] === 0) retainedByGroup[g] = retainedByGroup[g]! + retained[frame.node]!;
    onPath[g]!++;
    walk.push({ node: frame.node, entered: true });
    for (const c of children[frame.node]!) walk.push({ node: c, entered: false });
  }

  const groups: GroupSummary[] = [...groupIds.entries()].map(([group, id]) => ({ group, count: count[id]!, shallowBytes: shallow[id]!, retainedBytes: retainedByGroup[id]! }));
  groups.sort((a, b) => b.retainedBytes - a.retainedBytes);
  return { nodes: postOrder.length, totalBytes: retained[0]!, groups };
}

export function summarizeFile(path: string): HeapSummary {
  return summarizeSnapshot(JSON.parse(readFileSync(path, 'utf8')) as RawSnapshot);
}

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(2).padStart(8);

function printSummary(summary: HeapSummary, top: number): void {
  process.stdout.write(`${summary.nodes} reachable nodes, ${mb(summary.totalBytes).trim()} MB\n`);
  process.stdout.write(`${'retained MB'.padStart(11)} ${'shallow MB'.padStart(10)} ${'count'.padStart(9)}  group\n`);
  for (const g of summary.groups.filter((x) => x.group !== '(synthetic)').slice(0, top)) {
    process.stdout.write(`${mb(g.retainedBytes).padStart(11)} ${mb(g.shallowBytes).padStart(10)} ${String(g.count).padStart(9)}  ${g.group}\n`);
  }
}

function printGrowth(before: HeapSummary, after: HeapSummary, top: number): void {
  const was = new Map(before.groups.map((g) => [g.group, g]));
  const rows = after.groups.map((g) => ({ group: g.group, count: g.count - (was.get(g.group)?.count ?? 0), bytes: g.shallowBytes - (was.get(g.group)?.shallowBytes ?? 0) }));
  for (const g of before.groups) if (!after.groups.some((a) => a.group === g.group)) rows.push({ group: g.group, count: -g.count, bytes: -g.shallowBytes });
  rows.sort((a, b) => b.bytes - a.bytes);
  process.stdout.write(`\ngrowth: ${mb(after.totalBytes - before.totalBytes).trim()} MB retained in all\n${'Δ shallow MB'.padStart(12)} ${'Δ count'.padStart(9)}  group\n`);
  for (const r of rows.slice(0, top)) process.stdout.write(`${mb(r.bytes).padStart(12)} ${String(r.count).padStart(9)}  ${r.group}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = Number(argValue(args, '--top', '25'));
  const files = args.filter((_, i) => topAt === -1 || (i !== topAt && i !== topAt + 1));
  if (files.length === 0) {
    process.stderr.write('usage: heap-summary.ts <snapshot> [<later snapshot>] [--top N]\n');
    process.exit(2);
  }
  const first = summarizeFile(files[0]!);
  printSummary(first, top);
  if (files[1] !== undefined) {
    const second = summarizeFile(files[1]);
    process.stdout.write('\n');
    printSummary(second, top);
    printGrowth(first, second, top);
  }
}
