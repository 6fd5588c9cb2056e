// A migrated PGlite data directory as a tarball, built once and cached on disk for every test
// process (a fresh PGlite costs seconds and ~1 GB; loading the tarball costs well under one).
// The cache key covers the migrations and the PGlite version, so a schema change rebuilds it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER } from '../src/backend/migrations.ts';

let key: string | undefined;

/** Hashes the migrations once per process: the tarball and the directory are named by it. */
function cacheKey(): string {
  key ??= computeKey();
  return key;
}

function computeKey(): string {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  // the package does not export its package.json; find it next to the entry point
  const pkg = JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string };
  hash.update(pkg.version);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(name).update(readFileSync(path));
    }
  };
  walk(MIGRATIONS_FOLDER);
  return hash.digest('hex').slice(0, 16);
}

async function build(): Promise<Buffer> {
  const pg = await PGlite.create();
  try {
    await migrate(drizzle({ client: pg }), { migrationsFolder: MIGRATIONS_FOLDER });
    const blob = await pg.dumpDataDir('gzip');
    return Buffer.from(await blob.arrayBuffer());
  } finally {
    await pg.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CACHE_DIR = join(tmpdir(), 'mm-storage-test');

async function loadOrBuild(): Promise<Buffer> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, `pglite-template-${cacheKey()}.tar.gz`);
  const lock = `${file}.lock`;
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (existsSync(file)) return readFileSync(file);
    try {
      // mkdir is atomic: one process builds, the others wait for the file
      mkdirSync(lock);
    } catch {
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(100);
      continue;
    }
    try {
      const data = await build();
      writeFileSync(`${file}.tmp${process.pid}`, data);
      renameSync(`${file}.tmp${process.pid}`, file);
      return data;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error(`timed out waiting for the PGlite template ${file}`);
}

let template: Promise<Buffer> | undefined;

/** The migrated template; one per process, cached on disk across processes. */
export async function pgliteTemplate(): Promise<Blob> {
  template ??= loadOrBuild();
  const data = await template;
  // a plain ArrayBuffer copy: the DOM typings the dashboard's tests check with refuse a Buffer
  return new Blob([data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer]);
}

/** The template as a closed PGlite data directory on disk, unpacked once and cached like the tarball. */
async function templateDir(): Promise<string> {
  const dir = join(CACHE_DIR, `pglite-dir-${cacheKey()}`);
  if (existsSync(dir)) return dir;
  const building = `${dir}.tmp${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const pg = await PGlite.create({ dataDir: building, loadDataDir: await pgliteTemplate() });
  await pg.close();
  try {
    renameSync(building, dir);
  } catch (error) {
    // another process got there first: its copy is the same
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}

/**
 * Gives a server's data directory the migrated database before its first start, where the
 * server looks for it (<dataDir>/pglite): a spawned server then opens an existing database
 * (under a second of CPU) instead of initialising one (about eight). A directory that already
 * has a database is left alone, so a restart on the same data keeps what it stored.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  const target = join(dataDir, 'pglite');
  if (existsSync(target)) return;
  mkdirSync(dataDir, { recursive: true });
  cpSync(await templateDir(), target, { recursive: true });
}
