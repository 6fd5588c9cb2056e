#!/usr/bin/env node
// Fails on an import cycle between the TypeScript files of the repository, so every import
// points one way. Dependency-free: it reads the relative `import … from`, `import '…'` and
// `export … from` statements of every .ts / .tsx file (type-only ones included: they still
// tie the two files together), builds the graph and reports each strongly connected group of
// files with one cycle through it. Imports of workspace packages (@mm/…) are not followed;
// the package direction is an ESLint rule (eslint.config.js).
// Usage: node scripts/check-cycles.mjs [dir ...]   (default: packages and apps)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const SKIP = new Set(['node_modules', 'dist', '.git', 'data', 'test-output']);
const SOURCE = /\.tsx?$/;

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The text without comments, with string contents kept (the specifiers live in them). */
function stripComments(text) {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
      out += ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// `import x from '…'`, `import type { A } from '…'`, `import '…'`, `export * from '…'`,
// `export type { A } from '…'`: a statement start, then anything up to `from` (or nothing), then the specifier.
const STATEMENT = /(?:^|[;\n}])\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?(['"])([^'"\n]+)\1/g;

/** Relative specifiers a file imports or re-exports. */
export function specifiers(text) {
  const out = [];
  for (const m of stripComments(text).matchAll(STATEMENT)) if (m[2].startsWith('.')) out.push(m[2]);
  return out;
}

/** The file a relative specifier names, if it is one of the scanned sources. */
function resolveSpecifier(from, spec, files) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.(m?js|jsx)$/, (ext) => (ext === '.jsx' ? '.tsx' : '.ts')), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => files.has(c));
}

/** Strongly connected components (Tarjan), iterative so deep graphs cannot overflow the stack. */
function components(graph) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  for (const start of graph.keys()) {
    if (indexOf.has(start)) continue;
    const work = [{ node: start, edges: [...graph.get(start)], i: 0 }];
    indexOf.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.i < frame.edges.length) {
        const next = frame.edges[frame.i++];
        if (!indexOf.has(next)) {
          indexOf.set(next, index);
          low.set(next, index++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, edges: [...graph.get(next)], i: 0 });
        } else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node), indexOf.get(next)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === indexOf.get(frame.node)) {
        const group = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        if (group.length > 1 || graph.get(frame.node).has(frame.node)) out.push(group);
      }
    }
  }
  return out;
}

/** A shortest cycle through `start` inside `group` (breadth-first). */
function cycleThrough(graph, group, start) {
  const inGroup = new Set(group);
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node)) {
      if (!inGroup.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (previous.get(path[0]) !== undefined) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Every import cycle under the given directories: one cycle per group of files that import each other. */
export function findCycles(dirs) {
  const files = new Set(dirs.flatMap((d) => collect(resolve(d), [])));
  const graph = new Map();
  for (const file of files) {
    const targets = new Set();
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const target = resolveSpecifier(file, spec, files);
      if (target !== undefined) targets.add(target);
    }
    graph.set(file, targets);
  }
  const cycles = components(graph).map((group) => {
    const start = [...group].sort()[0];
    return { files: [...group].sort(), cycle: cycleThrough(graph, group, start) };
  });
  return { fileCount: files.size, cycles };
}

function main() {
  const args = process.argv.slice(2);
  const dirs = args.length > 0 ? args : ['packages', 'apps'].map((d) => join(root, d)).filter((d) => existsSync(d));
  const { fileCount, cycles } = findCycles(dirs);
  const show = (file) => relative(process.cwd(), file) || file;
  if (cycles.length === 0) {
    console.log(`check-cycles: no import cycles among ${fileCount} files`);
    return 0;
  }
  console.error(`check-cycles: ${cycles.length} import cycle(s) among ${fileCount} files; make every import point one way (move the shared piece to its own module, or pass it in):`);
  for (const { files, cycle } of cycles) {
    console.error(`  ${cycle.map(show).join(' → ')}`);
    if (files.length > cycle.length - 1) console.error(`    (all tied together: ${files.map(show).join(', ')})`);
  }
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) process.exitCode = main();
