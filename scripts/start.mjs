#!/usr/bin/env node
// `npm start`: builds the dashboard if it is not built yet, then runs the server with the
// embedded database and the simulated exchange. Ctrl-C (SIGINT) or SIGTERM stop the bots,
// cancel their orders and exit cleanly.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: use Node 20.19 or newer.`);
  process.exit(1);
}

const webDist = `${root}apps/web/dist/index.html`;
if (!existsSync(webDist) && existsSync(`${root}apps/web/package.json`)) {
  console.log('Building the dashboard (first start only)…');
  const build = spawnSync('npm', ['run', 'build', '--workspace', '@mm/web', '--if-present'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('The dashboard build failed; the API still starts, without the web pages.');
  } else {
    // brotli and gzip copies beside the assets, as `npm run build` writes them
    spawnSync(process.execPath, ['scripts/compress-assets.mjs', 'apps/web/dist'], { cwd: root, stdio: 'inherit' });
  }
}

const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], { cwd: root, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
