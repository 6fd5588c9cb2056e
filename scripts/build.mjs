#!/usr/bin/env node
// `npm run build`: the production output, in dist/ (git-ignored).
//   dist/web/             the dashboard (apps/web, Vite), when apps/web exists, with a .br and a .gz
//                         copy of every compressible file (scripts/compress-assets.mjs); the server
//                         sends the one the browser accepts
//   dist/server/main.js   the server; migrate.js and rotate-secret.js are the production tools.
//                         ESM bundles for Node 20 of apps/server and every workspace package
//                         (they ship TypeScript sources, which plain node cannot run); third-party
//                         packages stay external and come from `npm ci --omit=dev`.
//   dist/server/drizzle/  the migrations; storage looks for them next to the bundle.
//   dist/runner/main.js   a runner process (apps/runner; RUNNERS=external), with its drizzle/ too.
// Run it with `npm start:prod` (node dist/server/main.js, NODE_ENV=production, no tsx).
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compressAssets, summary } from './compress-assets.mjs';
import { nodeBundle } from './node-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const at = (...p) => join(root, ...p);

function fail(message) {
  console.error(`build failed: ${message}`);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });

// 1. the dashboard
if (existsSync(at('apps/web/package.json'))) {
  console.log('== dashboard (apps/web)');
  const web = spawnSync('npm', ['run', 'build', '--workspace', '@mm/web'], { cwd: root, stdio: 'inherit' });
  if (web.status !== 0) fail('the dashboard build (npm run build -w @mm/web) failed');
  if (!existsSync(at('apps/web/dist/index.html'))) fail('apps/web/dist/index.html is missing after the dashboard build');
  // precompressed in the source tree too, so that `npm start` after a build serves them as well
  const compressed = await compressAssets(at('apps/web/dist'));
  if (!compressed.some((r) => r.path.startsWith('assets/') && r.br !== undefined && r.gz !== undefined)) fail('no precompressed asset was written under apps/web/dist/assets');
  console.log(summary(compressed));
  cpSync(at('apps/web/dist'), join(dist, 'web'), { recursive: true });
} else {
  console.log('== no apps/web: the server is built without the dashboard');
}

// 2. the server and its tools
console.log('== server bundle (dist/server)');
const bundle = (entryPoints, outdir) => nodeBundle(root, entryPoints, outdir);
const result = await bundle(
  { main: 'apps/server/src/main.ts', migrate: 'apps/server/src/cli/migrate-main.ts', 'rotate-secret': 'apps/server/src/cli/rotate-secret-main.ts' },
  join(dist, 'server'),
);
console.log('== runner bundle (dist/runner)');
const runnerResult = await bundle({ main: 'apps/runner/src/main.ts' }, join(dist, 'runner'));

// 3. every external package must be a runtime dependency of some workspace, or `npm ci --omit=dev`
//    would not install it and the server would fail at start-up in production, not here
const builtins = new Set(builtinModules);
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const externals = new Set();
for (const output of [...Object.values(result.metafile.outputs), ...Object.values(runnerResult.metafile.outputs)]) {
  for (const imp of output.imports) {
    if (!imp.external || imp.path.startsWith('node:') || builtins.has(imp.path)) continue;
    externals.add(packageName(imp.path));
  }
}
const manifests = [at('package.json')];
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(at(dir))) if (existsSync(at(dir, name, 'package.json'))) manifests.push(at(dir, name, 'package.json'));
}
const runtimeDeps = new Set(manifests.flatMap((m) => Object.keys(JSON.parse(readFileSync(m, 'utf8')).dependencies ?? {})));
const undeclared = [...externals].filter((p) => !runtimeDeps.has(p)).sort();
if (undeclared.length > 0) {
  fail(`the server imports ${undeclared.join(', ')}, which no workspace lists under "dependencies"; add it to the package that imports it`);
}

// 4. the migrations, next to the bundle
cpSync(at('packages/storage/drizzle'), join(dist, 'server', 'drizzle'), { recursive: true });
cpSync(at('packages/storage/drizzle'), join(dist, 'runner', 'drizzle'), { recursive: true });
writeFileSync(join(dist, 'server', 'externals.json'), `${JSON.stringify([...externals].sort(), null, 2)}\n`);
console.log(`built dist/server (${Object.keys(result.metafile.outputs).filter((o) => o.endsWith('.js')).length} entry points; external packages: ${[...externals].sort().join(', ')})`);
