// What every repository shares: the current database handle, error translation, and the health
// signal (a failure to reach the database from anywhere turns storage 'degraded').
import { EngineError } from '@mm/core';
import type { Backend, Db, Tx } from './backend/types.ts';
import type { MasterKey } from './crypto/master-key.ts';
import { BotDirectory } from './journal/directory.ts';
import { toStorageError } from './errors.ts';
import type { Health } from './health.ts';
import type { StorageLogger } from './logger.ts';

export class StorageContext {
  closed = false;
  /** bot → venue, shared by the journal (reads) and the repositories (invalidate on change). */
  readonly directory = new BotDirectory();

  constructor(
    readonly backend: Backend,
    readonly health: Health,
    readonly logger: StorageLogger,
    public masterKey: MasterKey,
  ) {}

  get db(): Db {
    return this.backend.db;
  }

  /** Runs one database operation; failures come out as EngineErrors with actionable messages. */
  async run<T>(what: string, fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.closed) throw new EngineError('ILLEGAL_STATE', `storage is closed (${what})`);
    try {
      const result = await fn(this.db);
      this.health.succeeded();
      return result;
    } catch (error) {
      const e = toStorageError(what, error);
      if (e.code === 'STORAGE_UNAVAILABLE') this.health.failed(e);
      throw e;
    }
  }

  /** Like run, inside one transaction. */
  tx<T>(what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(what, (db) => db.transaction(fn));
  }
}
