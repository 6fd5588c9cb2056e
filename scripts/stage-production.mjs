#!/usr/bin/env node
// Lays out a production install in <dir>: the built dist/ plus the manifests `npm ci --omit=dev`
// needs (root package.json and lockfile, .npmrc, every workspace's package.json, which the
// lockfile names). Nothing else: no sources, no tests, no dev tooling. Then, from the repository:
//   npm ci --omit=dev --no-audit --no-fund --prefix <dir>
// infra/docker/Dockerfile and scripts/ci-production.sh run exactly these steps.
// Usage: node scripts/stage-production.mjs <dir>   (after `npm run build`)
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = process.argv[2];
if (target === undefined || target === '') {
  console.error('usage: node scripts/stage-production.mjs <dir>');
  process.exit(2);
}
const out = resolve(target);
if (!existsSync(join(root, 'dist', 'server', 'main.js'))) {
  console.error('dist/server/main.js is missing: run `npm run build` first');
  process.exit(1);
}
if (out === resolve(root) || resolve(root).startsWith(`${out}/`)) {
  console.error(`refusing to stage into ${out}: it holds the repository`);
  process.exit(2);
}

rmSync(join(out, 'dist'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
  if (existsSync(join(root, file))) cpSync(join(root, file), join(out, file));
}
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, dir))) {
    const manifest = join(root, dir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    mkdirSync(join(out, dir, name), { recursive: true });
    cpSync(manifest, join(out, dir, name, 'package.json'));
  }
}
cpSync(join(root, 'dist'), join(out, 'dist'), { recursive: true });
console.log(`staged the production install in ${out}; next: npm ci --omit=dev --no-audit --no-fund --prefix ${out}`);
