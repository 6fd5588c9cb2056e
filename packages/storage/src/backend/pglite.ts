// Embedded PostgreSQL (PGlite, WASM) in a directory on disk: the zero-setup default.
// Facts that shape this file (see reference/dependencies.md): a new directory takes seconds and
// about 1 GB of memory to initialise, reopening takes about half a second, the parent directory
// must exist, and only one process may open a directory.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import * as schema from '../schema.ts';
import { acquireDirLock } from './dir-lock.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import { NOTIFY_EACH_SQL, Subscribers } from './notify.ts';
import type { Backend, Db } from './types.ts';

export const MEMORY = 'memory://';

export interface PgliteOptions {
  /** A directory, or "memory://" for a throwaway in-memory database (tests). */
  readonly dir: string;
  /** A dumpDataDir() tarball to start from (fast test fixtures). */
  readonly loadDataDir?: Blob;
  /** Where the migration files are (default: the shipped drizzle/ folder). */
  readonly migrationsFolder?: string;
}

export async function openPglite(options: PgliteOptions): Promise<Backend> {
  const inMemory = options.dir === MEMORY;
  const dir = inMemory ? MEMORY : resolve(options.dir);
  if (!inMemory) mkdirSync(dirname(dir), { recursive: true });
  const release = inMemory ? () => undefined : acquireDirLock(dir);
  const create = (loadDataDir?: Blob) =>
    PGlite.create({ ...(inMemory ? {} : { dataDir: dir }), ...(loadDataDir === undefined ? {} : { loadDataDir }) });
  let client: PGlite;
  try {
    client = await create(options.loadDataDir);
  } catch (error) {
    release();
    throw error;
  }
  let db = drizzle({ client, schema }) as unknown as Db;
  let closing = false;
  const subs = new Subscribers();
  /** channel → the LISTEN on the current instance (its promise resolves to PGlite's unlisten). */
  const listening = new Map<string, Promise<() => Promise<void>>>();
  const deliverer = (channel: string) => (payload: string) =>
    subs.deliver(channel, payload, (error) => backend.logger?.error({ reason: String(error) }, 'a notification listener threw'));
  const reopen = async () => {
    if (!client.closed) await client.close().catch(() => undefined);
    client = await create();
    db = drizzle({ client, schema }) as unknown as Db;
    // the new instance knows no LISTEN: register every channel again, then let callers catch up
    listening.clear();
    for (const channel of subs.channels()) listening.set(channel, client.listen(channel, deliverer(channel)));
    await Promise.all(listening.values());
    subs.reconnected((error) => backend.logger?.error({ reason: String(error) }, 'a notification listener threw'));
  };

  const backend: Backend = {
    kind: 'pglite',
    location: inMemory ? 'PGlite (in memory)' : `PGlite at ${dir}`,
    get db() {
      return db;
    },
    async migrate() {
      await migrate(drizzle({ client, schema }), { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
    },
    async ping() {
      if (closing) throw new Error('PGlite is closing');
      // a closed instance (closed under us) is reopened from its directory
      if (client.closed && !inMemory) await reopen();
      try {
        await client.query('select 1');
      } catch (error) {
        // an instance that cannot run `select 1` is broken (e.g. a WASM abort): start it again
        if (inMemory) throw error;
        await reopen();
        await client.query('select 1');
      }
    },
    async notify(channel, payloads) {
      // one statement: delivered in this order, at its commit
      await client.query(NOTIFY_EACH_SQL, [channel, payloads]);
    },
    async listen(channel, onMessage, onReconnect) {
      const sub = { onMessage, onReconnect };
      if (subs.add(channel, sub)) {
        const registered = client.listen(channel, deliverer(channel));
        listening.set(channel, registered);
        try {
          await registered;
        } catch (error) {
          subs.remove(channel, sub);
          listening.delete(channel);
          throw error;
        }
      } else {
        await listening.get(channel);
      }
      return async () => {
        if (!subs.remove(channel, sub)) return;
        const registered = listening.get(channel);
        listening.delete(channel);
        if (registered !== undefined && !client.closed) await (await registered.catch(() => undefined))?.().catch(() => undefined);
      };
    },
    async close() {
      closing = true;
      try {
        if (!client.closed) await client.close();
      } finally {
        release();
      }
    },
  };
  return backend;
}

/** The raw PGlite handle, for test fixtures (dumpDataDir) and fault injection. */
export function pgliteClientOf(backend: Backend): PGlite {
  const client = (backend.db as unknown as { $client?: PGlite }).$client;
  if (client === undefined) throw new Error('not a PGlite backend');
  return client;
}
