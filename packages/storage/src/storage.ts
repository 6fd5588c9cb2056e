// openStorage(): one facade over the database, whichever backend runs it.
//   DATABASE_URL (or databaseUrl) set → external PostgreSQL through node-postgres;
//   otherwise → embedded PGlite in <dataDir>/pglite (dataDir: DATA_DIR or ./data).
// Migrations run at start-up (or are only verified, or run apart by migrateDatabase); the master key comes from APP_SECRET or <dataDir>/master.key.
import { join, resolve } from 'node:path';
import { EngineError } from '@mm/core';
import { MIGRATIONS_FOLDER, migrationStatus } from './backend/migrations.ts';
import { MEMORY, openPglite } from './backend/pglite.ts';
import { openPostgres } from './backend/postgres.ts';
import type { Backend, BackendKind } from './backend/types.ts';
import { StorageContext } from './context.ts';
import { loadMasterKey } from './crypto/master-key.ts';
import type { MasterKey } from './crypto/master-key.ts';
import { rootMessage, toStorageError } from './errors.ts';
import { Health } from './health.ts';
import type { HealthOptions, HealthState, StorageEvents } from './health.ts';
import { StorageJournal } from './journal/journal.ts';
import type { JournalOptions } from './journal/journal.ts';
import { WriteQueue } from './journal/write-queue.ts';
import type { WriteQueueOptions } from './journal/write-queue.ts';
import { consoleLogger } from './logger.ts';
import type { StorageLogger } from './logger.ts';
import { AccountsRepo } from './repos/accounts.ts';
import { EventsRepo, HourlyVolumeRepo, RiskEventsRepo, StatsRepo } from './repos/activity.ts';
import { AuditRepo, SettingsRepo, SimStateRepo } from './repos/admin.ts';
import { BotsRepo, ConfigVersionsRepo } from './repos/bots.ts';
import { FillsRepo } from './repos/fills.ts';
import { FleetRepo } from './repos/fleet.ts';
import { checkChannel, checkPayload } from './backend/notify.ts';
import { LedgerRepo } from './repos/ledger.ts';
import { OrdersRepo } from './repos/orders.ts';
import { SessionsRepo } from './repos/sessions.ts';
import { UsersRepo } from './repos/users.ts';
import type { InstrumentResolver } from './rows.ts';
import type { EventBus } from '@mm/core';

export interface StorageOptions {
  /** Application data directory (PGlite files, master.key). Default: DATA_DIR, else ./data. */
  readonly dataDir?: string;
  /** PGlite directory; default <dataDir>/pglite. "memory://" keeps everything in memory (tests). */
  readonly pgliteDir?: string;
  /** External PostgreSQL. Default: DATABASE_URL. When set, PGlite is not used. */
  readonly databaseUrl?: string;
  /** Secret the master key is derived from. Default: APP_SECRET; without one, <dataDir>/master.key. */
  readonly appSecret?: string;
  /** A ready master key (tests, key rotation tools); wins over appSecret. */
  readonly masterKey?: MasterKey;
  readonly logger?: StorageLogger;
  /** Environment to read DATABASE_URL / DATA_DIR / APP_SECRET from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Rows get decimal prices through this (see StorageJournal.setInstrumentResolver). */
  readonly instruments?: InstrumentResolver;
  /** Start PGlite from a dumpDataDir() tarball (fast test fixtures). */
  readonly pgliteLoadDataDir?: Blob;
  /** Skip migrations (only for a database known to be current, e.g. a migrated fixture). Same as migrate: 'skip'. */
  readonly skipMigrations?: boolean;
  /**
   * Migrations at start-up: 'apply' (default) runs the pending ones; 'verify' runs none and
   * refuses a database that is behind (a role without DDL rights; migrations are run beforehand
   * by migrateDatabase with the migration role); 'skip' does neither.
   */
  readonly migrate?: MigrateMode;
  /** Where the migration files are. Default: the shipped drizzle/ folder (MIGRATIONS_FOLDER). */
  readonly migrationsFolder?: string;
  readonly queue?: WriteQueueOptions;
  readonly journal?: JournalOptions;
  readonly health?: HealthOptions;
  /** How long close() keeps trying to write queued data to an unreachable database (default 10 s). */
  readonly closeTimeoutMs?: number;
}

export type MigrateMode = 'apply' | 'verify' | 'skip';

export interface PingResult {
  readonly ok: true;
  readonly backend: BackendKind;
  readonly latencyMs: number;
}

export interface Storage {
  readonly backend: BackendKind;
  /** Where the data lives (password redacted). */
  readonly location: string;
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly accounts: AccountsRepo;
  readonly bots: BotsRepo;
  readonly configVersions: ConfigVersionsRepo;
  readonly orders: OrdersRepo;
  readonly fills: FillsRepo;
  readonly ledger: LedgerRepo;
  readonly hourlyVolume: HourlyVolumeRepo;
  readonly stats: StatsRepo;
  readonly events: EventsRepo;
  readonly riskEvents: RiskEventsRepo;
  readonly audit: AuditRepo;
  readonly settings: SettingsRepo;
  readonly simState: SimStateRepo;
  /** Runners, bot leases, commands for a bot's holder, live status (the runner fleet). */
  readonly fleet: FleetRepo;
  /** The engine's BotJournal. */
  readonly journal: StorageJournal;
  /** 'degraded' while the database is unreachable. */
  readonly health: HealthState;
  /** `health` changes: the server halts new orders on 'degraded' and resumes on 'ok'. */
  readonly bus: EventBus<StorageEvents>;
  /** A round trip to the database; rejects with STORAGE_UNAVAILABLE. */
  ping(): Promise<PingResult>;
  /** Writes everything queued (rejects with STORAGE_UNAVAILABLE if the database is away). */
  flush(): Promise<void>;
  /**
   * NOTIFY (pg_notify) on a channel (/^[a-z_][a-z0-9_]*$/). Payloads above 7999 bytes are refused
   * (INVALID_ARGUMENT): PostgreSQL's limit is 8000. Several payloads go in one statement and
   * arrive in their order (identical payloads in it arrive once, as PostgreSQL folds them).
   */
  notify(channel: string, payload: string | readonly string[]): Promise<void>;
  /**
   * LISTEN until the returned function is called. On PostgreSQL one dedicated connection carries
   * every channel; after it was lost and is back, onReconnect runs: notifications sent meanwhile
   * are lost, so the caller polls for what it may have missed.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** Flushes (trying for closeTimeoutMs), then closes the connection. Idempotent. */
  close(): Promise<void>;
  /** Internals for key rotation and tests. */
  readonly context: StorageContext;
}

class StorageImpl implements Storage {
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly accounts: AccountsRepo;
  readonly bots: BotsRepo;
  readonly configVersions: ConfigVersionsRepo;
  readonly orders: OrdersRepo;
  readonly fills: FillsRepo;
  readonly ledger: LedgerRepo;
  readonly hourlyVolume: HourlyVolumeRepo;
  readonly stats: StatsRepo;
  readonly events: EventsRepo;
  readonly riskEvents: RiskEventsRepo;
  readonly audit: AuditRepo;
  readonly settings: SettingsRepo;
  readonly simState: SimStateRepo;
  readonly fleet: FleetRepo;
  readonly journal: StorageJournal;
  readonly queue: WriteQueue;
  private closing: Promise<void> | undefined;

  constructor(
    readonly context: StorageContext,
    private readonly closeTimeoutMs: number,
    options: StorageOptions,
  ) {
    const ctx = context;
    this.users = new UsersRepo(ctx);
    this.sessions = new SessionsRepo(ctx);
    this.accounts = new AccountsRepo(ctx);
    this.bots = new BotsRepo(ctx);
    this.configVersions = new ConfigVersionsRepo(ctx);
    this.orders = new OrdersRepo(ctx);
    this.fills = new FillsRepo(ctx);
    this.ledger = new LedgerRepo(ctx);
    this.hourlyVolume = new HourlyVolumeRepo(ctx);
    this.stats = new StatsRepo(ctx);
    this.events = new EventsRepo(ctx);
    this.riskEvents = new RiskEventsRepo(ctx);
    this.audit = new AuditRepo(ctx);
    this.settings = new SettingsRepo(ctx);
    this.simState = new SimStateRepo(ctx);
    this.fleet = new FleetRepo(ctx, this);
    this.queue = new WriteQueue(ctx, ctx.directory, options.queue);
    this.journal = new StorageJournal(ctx, this.queue, ctx.directory, this.ledger, options.journal);
    this.journal.setInstrumentResolver(options.instruments);
    ctx.health.events.on('health', (change) => {
      if (change.state === 'ok') this.queue.resume();
    });
    ctx.backend.logger = ctx.logger;
    ctx.backend.onConnectionError = (error) => {
      ctx.logger.warn({ reason: rootMessage(error) }, 'a database connection was lost; checking the database');
      ctx.health.check();
    };
  }

  get backend(): BackendKind {
    return this.context.backend.kind;
  }

  get location(): string {
    return this.context.backend.location;
  }

  get health(): HealthState {
    return this.context.health.state;
  }

  get bus(): EventBus<StorageEvents> {
    return this.context.health.events;
  }

  async ping(): Promise<PingResult> {
    const started = performance.now();
    try {
      await this.context.backend.ping();
    } catch (error) {
      const e = toStorageError('ping', error);
      if (e.code === 'STORAGE_UNAVAILABLE') this.context.health.failed(e);
      throw e;
    }
    this.context.health.succeeded();
    return { ok: true, backend: this.backend, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  flush(): Promise<void> {
    return this.journal.flush();
  }

  async notify(channel: string, payload: string | readonly string[]): Promise<void> {
    checkChannel(channel);
    const payloads = typeof payload === 'string' ? [payload] : payload;
    if (payloads.length === 0) return;
    for (const p of payloads) checkPayload(channel, p);
    await this.context.run(`notify ${channel}`, () => this.context.backend.notify(channel, payloads));
  }

  async listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>> {
    checkChannel(channel);
    return this.context.run(`listen ${channel}`, () => this.context.backend.listen(channel, onMessage, onReconnect));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const ctx = this.context;
    this.journal.writePendingStats();
    const deadline = Date.now() + this.closeTimeoutMs;
    for (;;) {
      try {
        await this.queue.flush();
        break;
      } catch (error) {
        if (Date.now() >= deadline) {
          ctx.logger.error(
            { unwritten: this.queue.size, reason: rootMessage(error) },
            'closing with writes the database never accepted: they are lost (fills are re-imported from the venue on the next start)',
          );
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    ctx.closed = true;
    this.queue.stop();
    ctx.health.stop();
    await ctx.backend.close();
  }
}

function pick(value: string | undefined, fallback: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : fallback !== undefined && fallback !== '' ? fallback : undefined;
}

/** Assembles storage on an open backend (openStorage does this; tests use it with fixtures). */
export async function createStorage(backend: Backend, options: StorageOptions & { readonly masterKey: MasterKey }): Promise<Storage> {
  const logger = options.logger ?? consoleLogger;
  const health = new Health(() => backend.ping(), logger, options.health);
  const ctx = new StorageContext(backend, health, logger, options.masterKey);
  return new StorageImpl(ctx, options.closeTimeoutMs ?? 10_000, options);
}

type BackendOptions = Pick<StorageOptions, 'dataDir' | 'pgliteDir' | 'databaseUrl' | 'env' | 'pgliteLoadDataDir' | 'migrationsFolder'>;

/** The backend the options and environment choose: PostgreSQL with a URL, else PGlite in the data directory. */
async function openBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const dataDir = resolve(pick(options.dataDir, env.DATA_DIR) ?? './data');
  const databaseUrl = pick(options.databaseUrl, env.DATABASE_URL);
  const folder = options.migrationsFolder === undefined ? {} : { migrationsFolder: options.migrationsFolder };
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new EngineError('INVALID_CONFIG', 'DATABASE_URL must look like postgres://user:password@host:5432/database');
    }
    return openPostgres({ url: databaseUrl, ...folder });
  }
  const dir = options.pgliteDir ?? join(dataDir, 'pglite');
  return openPglite({ dir: dir === MEMORY ? MEMORY : resolve(dir), ...folder, ...(options.pgliteLoadDataDir === undefined ? {} : { loadDataDir: options.pgliteLoadDataDir }) });
}

/** Throws ILLEGAL_STATE when the database is behind the migration files (verify mode). */
async function verifyMigrations(backend: Backend, folder: string): Promise<void> {
  const status = await migrationStatus(backend.db, folder);
  if (status.pending > 0) {
    throw new EngineError(
      'ILLEGAL_STATE',
      `the database schema on ${backend.location} is behind this version (${status.pending} of ${status.known} migrations not applied) and MIGRATE_ON_START is off: ` +
        'run the migrations with the migration role first (npm run migrate, with DATABASE_MIGRATION_URL set), then start again',
      { details: { ...status } },
    );
  }
}

export async function openStorage(options: StorageOptions = {}): Promise<Storage> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? consoleLogger;
  const dataDir = resolve(pick(options.dataDir, env.DATA_DIR) ?? './data');
  const appSecret = pick(options.appSecret, env.APP_SECRET);
  // the key first: a bad APP_SECRET or an unsafe key file stops start-up before anything opens
  const masterKey = options.masterKey ?? (await loadMasterKey({ appSecret, dataDir }));
  if (masterKey.source === 'key-file') {
    logger.warn({ keyFile: join(dataDir, 'master.key') }, 'no APP_SECRET: credentials are encrypted with the key file in the data directory; back it up, or set APP_SECRET');
  }
  const backend = await openBackend(options);
  const mode: MigrateMode = options.skipMigrations === true ? 'skip' : (options.migrate ?? 'apply');
  try {
    if (mode === 'apply') await backend.migrate();
    if (mode === 'verify') await verifyMigrations(backend, options.migrationsFolder ?? MIGRATIONS_FOLDER);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw toStorageError(`${mode === 'apply' ? 'apply' : 'check'} migrations on ${backend.location}`, error);
  }
  logger.info({ backend: backend.kind, location: backend.location, keyId: masterKey.id }, 'storage open');
  return createStorage(backend, { ...options, logger, masterKey });
}

export interface MigrateResult {
  readonly backend: BackendKind;
  /** Where (password redacted). */
  readonly location: string;
  /** Migrations this call applied. */
  readonly applied: number;
  /** Migration files known to this version. */
  readonly known: number;
}

/**
 * Applies pending migrations and closes: the migration step of a production install, run with
 * the role that owns the schema (DATABASE_MIGRATION_URL) so the app's own role needs no DDL.
 */
export async function migrateDatabase(options: BackendOptions & { readonly logger?: StorageLogger } = {}): Promise<MigrateResult> {
  const logger = options.logger ?? consoleLogger;
  const folder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  const backend = await openBackend(options);
  try {
    const before = await migrationStatus(backend.db, folder);
    await backend.migrate();
    const after = await migrationStatus(backend.db, folder);
    if (after.pending > 0) throw new EngineError('INTERNAL', `${after.pending} migrations are still pending after migrating`);
    logger.info({ backend: backend.kind, location: backend.location, applied: before.pending, known: before.known }, 'migrations applied');
    return { backend: backend.kind, location: backend.location, applied: before.pending, known: before.known };
  } catch (error) {
    throw toStorageError(`apply migrations on ${backend.location}`, error);
  } finally {
    await backend.close().catch(() => undefined);
  }
}
