#!/usr/bin/env node
// Runs every *.test.ts file with node's test runner through tsx.
// Node 20 neither expands globs nor discovers .ts files by itself, so the list is built here.
// Usage: npm test [-- <path filter> ...]   e.g. npm test -- packages/core
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'apps', 'bench'];
const skip = new Set(['node_modules', 'dist', 'data', '.git', 'test-output']);

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
let files = roots.flatMap((r) => collect(join(root, r), [])).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((p) => f.includes(p)));
// the browser and multi-process tests take one to two minutes each; started first, they run
// alongside the many short files instead of one of them starting last and stretching the run
const slowFirst = (f) => (f.startsWith('apps/web/e2e/') || f.startsWith('apps/runner/') ? 0 : 1);
files.sort((a, b) => slowFirst(a) - slowFirst(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// a test file that does not finish (a handle left open keeps its process alive) fails after
// this long instead of holding up the run; the slowest file takes about two minutes
const FILE_TIMEOUT_MS = 420_000;
// three files at once on two cores: the suite takes about a fifth less than with two, and with
// three the cores are already about 96 % busy (sampled over a whole run), so more would not help
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
// the usual report, then a short list of failures and slow files at the very end of the output
const reporters = [
  '--test-reporter', process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout',
  '--test-reporter', join(root, 'scripts/test-summary-reporter.mjs'), '--test-reporter-destination', 'stdout',
];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', join(root, 'scripts/test-network-guard.mjs'), '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_TIMEOUT_MS}`, ...reporters, ...passThrough, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
