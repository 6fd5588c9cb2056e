// A small fleet for tests: storages on one throwaway PostgreSQL database (or one PGlite in
// memory), a shared in-process paper exchange, runners with short leases, and paper bots on
// accounts of their own (bots sharing an account and symbol are claimed as one group).
import { performance } from 'node:perf_hooks';
import { LiveClock, botConfigSchema, botOrderPrefix } from '@mm/core';
import type { BotConfig } from '@mm/core';
import type { VenueProvider } from '@mm/engine';
import type { VenueAdapter } from '@mm/exchange';
import { DEMO_MARKETS, PaperWorld } from '@mm/exchange-sim';
import { openStorage, silentLogger } from '@mm/storage';
import type { Storage } from '@mm/storage';
import { TEST_KEY, waitFor } from '@mm/storage/test-support/fixtures';
import { createTestDatabase } from '@mm/storage/test-support/postgres';
import type { TestDatabase } from '@mm/storage/test-support/postgres';
import type { AccountVenues } from '../src/baseline.ts';
import { Runner } from '../src/runner.ts';
import type { RunnerLog, RunnerOptions } from '../src/runner.ts';

export { waitFor };

export const SYMBOL = 'DEMOUSDT';
export const TTL_MS = 3_000;
export const RENEW_MS = 500;

/** One PostgreSQL database that several storages (runners, the control plane) open. */
export async function sharedDatabase(): Promise<{ db: TestDatabase; open(): Promise<Storage> }> {
  const db = await createTestDatabase();
  return { db, open: () => openStorage({ databaseUrl: db.url, masterKey: TEST_KEY, logger: silentLogger, env: {} }) };
}

/** The demo bot's quoting (apps/server firstRun) on its own paper account; volume off to keep the exchange quiet. */
export function paperConfig(name: string, accountId: string): BotConfig {
  return botConfigSchema.parse({
    name,
    accountId,
    symbol: SYMBOL,
    mode: 'paper',
    marketMaking: {
      bidLevels: 3,
      askLevels: 3,
      bidSpread: { minPct: 0.15, maxPct: 1.2 },
      askSpread: { minPct: 0.15, maxPct: 1.2 },
      bidBudgetQuote: '2000',
      askBudgetBase: '4000',
      distribution: 'VALLEY',
      refresh: { intervalMs: 3_000, tolerancePct: 0.1 },
    },
    volume: { enabled: false },
  });
}

/** Bots that want to run, each on a paper account of its own; returns their ids in creation order. */
export async function createBots(storage: Storage, names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const accountId = `paper-${name}`;
    if ((await storage.accounts.get(accountId)) === undefined) await storage.accounts.create({ id: accountId, name: accountId, venue: 'sim', market: 'spot', live: false });
    const record = await storage.bots.create({ config: paperConfig(name, accountId), desiredState: 'running', changedBy: 'test' });
    ids.push(record.id);
  }
  return ids;
}

export interface Placement {
  readonly runner: string;
  /** performance.now() when the order request reached the venue. */
  readonly at: number;
  readonly clientOrderId: string;
}

/**
 * The simulated exchange every runner trades on (as the server's paper world is), seen through
 * one venue provider per runner so that each order placed is attributed to the runner that sent it.
 */
export class PaperFleet {
  readonly clock = new LiveClock();
  readonly world = new PaperWorld({ clock: this.clock, seed: 17, markets: DEMO_MARKETS, latency: {} });
  readonly placements: Placement[] = [];
  /** Watchers still running (a failed test never reached its stop()). */
  private readonly watchers = new Set<() => void>();

  constructor() {
    this.world.start();
  }

  /** Cancels sent by this runner for these accounts wait this long first (a slow venue during a drain). */
  readonly slowCancels = new Map<string, { runner: string; ms: number }>();

  venuesFor(runner: string): VenueProvider & AccountVenues {
    const wrapped = new Map<VenueAdapter, VenueAdapter>();
    const wrap = (venue: VenueAdapter): VenueAdapter => {
      let proxy = wrapped.get(venue);
      if (proxy === undefined) {
        proxy = new Proxy(venue, {
          get: (target, key) => {
            if (key === 'placeOrders') {
              return (requests: Parameters<VenueAdapter['placeOrders']>[0]) => {
                const at = performance.now();
                for (const r of requests) this.placements.push({ runner, at, clientOrderId: r.clientOrderId });
                return target.placeOrders(requests);
              };
            }
            if (key === 'cancelOrders' || key === 'cancelAll') {
              return async (...args: unknown[]) => {
                const slow = [...this.slowCancels.entries()].find(([account, s]) => s.runner === runner && target.accountKey.includes(`:${account}:`));
                if (slow !== undefined) await new Promise((resolve) => setTimeout(resolve, slow[1].ms));
                return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
              };
            }
            const value: unknown = Reflect.get(target, key, target);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
        wrapped.set(venue, proxy);
      }
      return proxy;
    };
    // the fleet's accounts are spot paper accounts (createBots)
    return { adapterFor: async (config) => wrap(await this.world.adapterFor(config)), forAccount: async (accountId) => wrap(this.world.venue(accountId, 'spot')) };
  }

  /** The bot's orders open at the exchange now (its account, its order prefix). */
  openOrderIds(botId: string, accountId: string): string[] {
    if (!this.world.exchange.hasAccount(accountId)) return [];
    const prefix = botOrderPrefix(botId);
    return this.world.exchange
      .openOrders(accountId, SYMBOL)
      .map((o) => o.clientOrderId)
      .filter((id) => id.startsWith(prefix));
  }

  /** Which runner placed the order (undefined: none seen). */
  placedBy(clientOrderId: string): string | undefined {
    return this.placements.find((p) => p.clientOrderId === clientOrderId)?.runner;
  }

  /**
   * Watches the bots' open orders on every order event of their accounts (and every 10 ms):
   * records any moment at which orders placed by two different runners are open for one bot.
   */
  watchExclusive(bots: readonly { id: string; accountId: string }[]): { violations: string[]; stop(): void } {
    const violations: string[] = [];
    const check = () => {
      for (const bot of bots) {
        const ids = this.openOrderIds(bot.id, bot.accountId);
        const holders = new Set(ids.map((id) => this.placedBy(id) ?? 'unknown'));
        if (holders.size > 1) violations.push(`bot ${bot.id}: open orders of ${[...holders].join(' and ')}: ${ids.join(', ')}`);
      }
    };
    const offs = bots.map((b) => {
      this.world.ensureAccount(b.accountId);
      return this.world.exchange.listen(b.accountId, { order: check });
    });
    const timer = setInterval(check, 10);
    const stop = () => {
      clearInterval(timer);
      for (const off of offs) off();
      this.watchers.delete(stop);
    };
    this.watchers.add(stop);
    return { violations, stop };
  }

  async close(): Promise<void> {
    for (const stop of [...this.watchers]) stop();
    await this.world.closeAll();
  }
}

/** A runner log that keeps every line (warnings prove fencing refusals). */
export function recordingLog(): RunnerLog & { lines: { level: string; message: string; details: object }[] } {
  const lines: { level: string; message: string; details: object }[] = [];
  const keep = (level: string) => (details: object, message: string) => void lines.push({ level, message, details });
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

export function testRunner(storage: Storage, fleet: PaperFleet, name: string, extra: Partial<RunnerOptions> = {}): Runner & { log: ReturnType<typeof recordingLog> } {
  const log = recordingLog();
  const runner = new Runner({
    storage,
    venues: fleet.venuesFor(name),
    clock: fleet.clock,
    logger: log,
    version: 'test',
    name,
    id: name,
    ttlMs: TTL_MS,
    renewMs: RENEW_MS,
    statusMs: 250,
    timings: { stopDeadlineMs: 2_000 },
    ...extra,
  });
  return Object.assign(runner, { log });
}

/**
 * A crash as far as the fleet can tell: the runner's lease loop stops (no renewal, heartbeat,
 * status write, self-fencing check or command) without releasing anything or touching its bots
 * or the venue — a process frozen or cut off from its lease loop. Its bots, unaware, go on
 * acting like a process that wakes up late: the gate and the database fence must stop them.
 * Runner has no such method; this reaches into its private timers.
 */
export async function freezeLeaseLoop(runner: Runner): Promise<number> {
  const internals = runner as unknown as { stopped: boolean; cycleTimer?: NodeJS.Timeout; statusTimer?: NodeJS.Timeout; cycling?: Promise<void> };
  internals.stopped = true;
  clearTimeout(internals.cycleTimer);
  clearInterval(internals.statusTimer);
  const frozenAt = performance.now();
  // a renewal in flight was sent before this moment: the runner's deadline is at most frozenAt + TTL - 2 s
  await internals.cycling;
  clearTimeout(internals.cycleTimer);
  return frozenAt;
}
