// Storage instances for tests on both backends, and a few rows every test needs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { Instrument, botConfigSchema, newOrderRecord } from '@mm/core';
import type { BotConfig, Fill, OrderRecord } from '@mm/core';
import { MEMORY, openPglite } from '../src/backend/pglite.ts';
import { MasterKey } from '../src/crypto/master-key.ts';
import { createStorage, openStorage } from '../src/storage.ts';
import type { Storage, StorageOptions } from '../src/storage.ts';
import { silentLogger } from '../src/logger.ts';
import type { StorageLogger } from '../src/logger.ts';
import { pgliteTemplate } from './pglite-template.ts';
import { createTestDatabase, postgresSkipReason } from './postgres.ts';
import type { TestDatabase } from './postgres.ts';

export const TEST_KEY = new MasterKey(Buffer.alloc(32, 7), 'raw');

export const INSTRUMENT = new Instrument({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', minQty: '0.001', minNotional: '5' });

export type StorageExtras = Omit<StorageOptions, 'masterKey' | 'databaseUrl' | 'pgliteDir' | 'dataDir'> & { readonly masterKey?: MasterKey };

/** One backend the shared suites run on. */
export interface TestBackend {
  readonly name: 'pglite' | 'postgres';
  /** Why this backend's tests are skipped, if they are. */
  readonly skip: string | undefined;
  /** A fresh, migrated, empty storage. */
  open(extras?: StorageExtras): Promise<Storage>;
  /** A storage on durable files/databases that can be closed and opened again. */
  openDurable(extras?: StorageExtras): Promise<{ storage: Storage; reopen(extras?: StorageExtras): Promise<Storage>; down(d: boolean): Promise<void>; cleanup(): Promise<void> }>;
}

/** Options that keep test output quiet. */
export const silentOptions = { logger: silentLogger } as const;

const base = (extras: StorageExtras = {}) => ({
  logger: silentLogger,
  instruments: () => INSTRUMENT,
  ...extras,
  masterKey: extras.masterKey ?? TEST_KEY,
});

export const pgliteBackend: TestBackend = {
  name: 'pglite',
  skip: undefined,
  async open(extras) {
    const backend = await openPglite({ dir: MEMORY, loadDataDir: await pgliteTemplate() });
    await backend.migrate(); // a no-op on the template: proves the migrator accepts it
    return createStorage(backend, base(extras));
  },
  async openDurable(extras) {
    const dir = mkdtempSync(join(tmpdir(), 'mm-storage-pglite-'));
    const pgliteDir = join(dir, 'pglite');
    const make = async (x?: StorageExtras, first = false) =>
      openStorage({ ...base(x), pgliteDir, dataDir: dir, env: {}, ...(first ? { pgliteLoadDataDir: await pgliteTemplate() } : {}) });
    const storage = await make(extras, true);
    return {
      storage,
      reopen: (x) => make(x),
      // PGlite has no server to stop: closing the instance under storage is the outage
      down: async (d) => {
        if (d) await (storage.context.backend.db as unknown as { $client: { close(): Promise<void> } }).$client.close();
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const pgReason = await postgresSkipReason();
const databases: TestDatabase[] = [];

export const postgresBackend: TestBackend = {
  name: 'postgres',
  skip: pgReason,
  async open(extras) {
    const db = await createTestDatabase();
    databases.push(db);
    return openStorage({ ...base(extras), databaseUrl: db.url, env: {} });
  },
  async openDurable(extras) {
    const db = await createTestDatabase();
    databases.push(db);
    const storage = await openStorage({ ...base(extras), databaseUrl: db.url, env: {} });
    return {
      storage,
      reopen: (x) => openStorage({ ...base(x), databaseUrl: db.url, env: {} }),
      down: (d) => db.setDown(d),
      cleanup: () => db.drop(),
    };
  },
};

/** Raw SQL for assertions; rows come back untyped. */
export async function queryRows(storage: Storage, query: SQL): Promise<Record<string, unknown>[]> {
  const result = (await storage.context.db.execute(query)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows;
}

/** Drops every database the postgres backend created in this process. */
export async function dropTestDatabases(): Promise<void> {
  await Promise.all(databases.splice(0).map((d) => d.drop().catch(() => undefined)));
}

export const BACKENDS: readonly TestBackend[] = [pgliteBackend, postgresBackend];

/**
 * A suite's storage on one backend: opened before its first test, closed with its test
 * databases dropped after its last. Call it inside `describe`; `use` receives the instance.
 */
export function suiteStorage(backend: TestBackend, use: (storage: Storage) => void): void {
  let storage: Storage | undefined;
  before(async () => {
    storage = await backend.open();
    use(storage);
  });
  after(async () => {
    await storage?.close();
    await dropTestDatabases();
  });
}

/** Empties every table. DELETE, not TRUNCATE: on tiny tables it is several times faster in PGlite. */
export async function truncateAll(storage: Storage): Promise<void> {
  await storage.flush().catch(() => undefined);
  const tables = ['bot_commands', 'bot_live', 'bot_leases', 'runners', 'sessions', 'audit_log', 'users', 'bot_stats', 'events', 'risk_events', 'hourly_volume', 'ledger_snapshots', 'ledger_day_marks', 'cash_flows', 'account_fills', 'account_baselines', 'fills', 'orders', 'bot_config_versions', 'bots', 'venue_accounts', 'settings', 'sim_state'];
  await storage.context.db.transaction(async (tx) => {
    for (const table of tables) await tx.execute(sql.raw(`delete from ${table}`));
  });
}

export function botConfig(overrides: Partial<BotConfig> = {}): BotConfig {
  return botConfigSchema.parse({ name: 'test bot', accountId: 'paper', symbol: 'BTCUSDT', ...overrides });
}

/** A paper account (default the built-in one) and one bot on it; returns the bot id. */
export async function seedBot(storage: Storage, name = 'test bot', accountId = 'paper'): Promise<string> {
  if ((await storage.accounts.get(accountId)) === undefined) await storage.accounts.create({ id: accountId, name: accountId === 'paper' ? 'Paper' : accountId, venue: 'sim', market: 'spot' });
  const bot = await storage.bots.create({ config: botConfig({ name, accountId }), changedBy: 'test' });
  return bot.id;
}

let seq = 0;

export function order(overrides: Partial<OrderRecord> = {}, now = 1_700_000_000_000): OrderRecord {
  seq++;
  return {
    ...newOrderRecord({ clientOrderId: `mmtestx${seq.toString(36)}`, symbol: 'BTCUSDT', side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 5_000_012, qtyLots: 1_500 }, now),
    ...overrides,
  };
}

export function fill(overrides: Partial<Fill> = {}): Fill {
  seq++;
  return {
    symbol: 'BTCUSDT',
    tradeId: `t${seq}`,
    venueOrderId: `v${seq}`,
    clientOrderId: `mmtestx${seq.toString(36)}`,
    side: 'buy',
    priceTicks: 5_000_012,
    qtyLots: 250,
    fee: 12_500_000_000_000_000n, // 0.0125
    feeAsset: 'USDT',
    liquidity: 'maker',
    venueTime: 1_700_000_000_000 + seq,
    receivedAt: 1_700_000_000_100 + seq,
    ...overrides,
  };
}

/** A logger that keeps every line, to prove that no secret reaches a log. */
export function capturingLogger(): StorageLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (details: Record<string, unknown>, message: string) => lines.push(`${message} ${JSON.stringify(details)}`);
  return { lines, info: keep, warn: keep, error: keep };
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
