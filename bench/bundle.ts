// Production bundles for the benchmarks, as scripts/build.mjs makes them (dist/server/main.js,
// dist/runner/main.js; no dashboard), built into a cache directory beside node_modules so a
// benchmark never touches dist/ and always measures the sources as they are.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBundle } from '../scripts/node-bundle.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface FleetBundles {
  readonly server: string;
  readonly runner: string;
}

/** One entry point bundled into `node_modules/.cache/<cacheName>`, with the migrations beside it; returns its main.js. */
export async function bundle(entry: string, cacheName: string): Promise<string> {
  const outdir = join(ROOT, 'node_modules', '.cache', cacheName);
  rmSync(outdir, { recursive: true, force: true });
  await nodeBundle(ROOT, { main: entry }, outdir);
  // storage looks for its migrations next to the bundle (the runner only verifies them)
  cpSync(join(ROOT, 'packages/storage/drizzle'), join(outdir, 'drizzle'), { recursive: true });
  return join(outdir, 'main.js');
}

export async function buildFleetBundles(): Promise<FleetBundles> {
  const [server, runner] = await Promise.all([bundle('apps/server/src/main.ts', 'mm-fleet-bench/server'), bundle('apps/runner/src/main.ts', 'mm-fleet-bench/runner')]);
  return { server, runner };
}
