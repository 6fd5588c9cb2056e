#!/usr/bin/env node
// Precompresses the built dashboard: for every compressible file under <dir>/assets/ (Vite's hashed
// output) and <dir>/index.html, writes <file>.br (brotli, quality 11) and <file>.gz (gzip, level 9)
// next to it, with Node's own zlib. The server (@fastify/static, preCompressed) then sends the one
// the browser accepts, with no compression work per request. A file whose compressed copy would
// not be smaller gets none (the server sends the original).
//   node scripts/compress-assets.mjs apps/web/dist
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text formats; woff2, png and the like are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|map|txt|xml|wasm|ico|ttf|otf)$/i;
const MIN_BYTES = 256;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes the .br and .gz copies; returns what it wrote, for the build log. */
export async function compressAssets(dir) {
  const targets = [];
  if (existsSync(join(dir, 'index.html'))) targets.push(join(dir, 'index.html'));
  if (existsSync(join(dir, 'assets'))) targets.push(...[...files(join(dir, 'assets'))].filter((f) => COMPRESSIBLE.test(f)));
  const results = await Promise.all(
    targets.map(async (path) => {
      const source = readFileSync(path);
      const written = { path: relative(dir, path), bytes: source.length, br: undefined, gz: undefined };
      for (const ext of ['.br', '.gz']) rmSync(path + ext, { force: true }); // never a stale copy of an older build
      if (source.length < MIN_BYTES) return written;
      const [br, gzipped] = await Promise.all([
        brotli(source, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
          },
        }),
        gz(source, { level: constants.Z_BEST_COMPRESSION }),
      ]);
      if (br.length < source.length) {
        writeFileSync(path + '.br', br);
        written.br = br.length;
      }
      if (gzipped.length < source.length) {
        writeFileSync(path + '.gz', gzipped);
        written.gz = gzipped.length;
      }
      return written;
    }),
  );
  return results;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** One line for the build log: how many files, total bytes before and after. */
export function summary(results) {
  const sum = (pick) => results.reduce((s, r) => s + (pick(r) ?? r.bytes), 0);
  const compressed = results.filter((r) => r.br !== undefined || r.gz !== undefined).length;
  return `precompressed ${compressed} of ${results.length} files: ${kib(sum(() => undefined))} → brotli ${kib(sum((r) => r.br))}, gzip ${kib(sum((r) => r.gz))}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (dir === undefined || !existsSync(dir) || !statSync(dir).isDirectory()) {
    console.error('usage: node scripts/compress-assets.mjs <built dashboard directory>');
    process.exit(2);
  }
  console.log(summary(await compressAssets(dir)));
}
