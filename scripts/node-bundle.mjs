// How the production server and runner are bundled (esbuild, ESM for Node 20): shared by
// scripts/build.mjs and the benchmarks that measure those bundles (bench/bundle.ts).
import { build } from 'esbuild';

// bare specifiers other than the workspace's own @mm/* packages: left to node_modules at run time
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'entry-point' || args.path.startsWith('@mm/') ? undefined : { path: args.path, external: true }));
  },
};

export function nodeBundle(root, entryPoints, outdir) {
  return build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'linked',
    // stack traces still point into the TypeScript sources; start:prod's --enable-source-maps keeps
    // the whole map in memory, and without the sources' text inside it that costs ~12 MB less RSS
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [thirdPartyExternal],
  });
}
