// Bots and their configuration history. Every config change is a new row in
// bot_config_versions (who, when, what); bots.config_version points at the current one.
// Name, account, symbol and mode are copied out of the config into columns for filtering.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { BotConfig, RiskTrip } from '@mm/core';
import type { Executor } from '../backend/types.ts';
import type { StorageContext } from '../context.ts';
import { botConfigVersions, bots } from '../schema.ts';
import { isUuid } from '../uuid.ts';

export { isUuid } from '../uuid.ts';

export type DesiredState = 'running' | 'paused' | 'stopped';
const DESIRED_STATES: readonly DesiredState[] = ['running', 'paused', 'stopped'];

/** The risk trip that halted a bot (the engine's RiskTrip, from @mm/core). */
export type HaltTrip = RiskTrip;

export interface BotRecord {
  readonly id: string;
  readonly name: string;
  readonly accountId: string;
  readonly symbol: string;
  readonly mode: 'paper' | 'live';
  readonly desiredState: DesiredState;
  readonly configVersion: number;
  /** Stored as written: the server validates configs before saving them. */
  readonly config: BotConfig;
  readonly halt: HaltTrip | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly archivedAt: number | undefined;
}

export interface NewBot {
  /** A uuid; generated when omitted. */
  readonly id?: string;
  readonly config: BotConfig;
  readonly desiredState?: DesiredState;
  /** Username (or "system") recorded with version 1. */
  readonly changedBy?: string;
}

const columns = { bot: bots, config: botConfigVersions.config };

function toRecord(row: { bot: typeof bots.$inferSelect; config: unknown }): BotRecord {
  const b = row.bot;
  return {
    id: b.id,
    name: b.name,
    accountId: b.accountId,
    symbol: b.symbol,
    mode: b.mode as 'paper' | 'live',
    desiredState: b.desiredState as DesiredState,
    configVersion: b.configVersion,
    config: row.config as BotConfig,
    halt: (b.halt ?? undefined) as HaltTrip | undefined,
    createdAt: b.createdAt.getTime(),
    updatedAt: b.updatedAt.getTime(),
    archivedAt: b.archivedAt?.getTime(),
  };
}

function checkConfig(config: BotConfig): void {
  for (const field of ['name', 'accountId', 'symbol'] as const) {
    if (typeof config[field] !== 'string' || config[field].trim() === '') throw new EngineError('INVALID_CONFIG', `config.${field} must be a non-empty string`);
  }
  if (config.mode !== 'paper' && config.mode !== 'live') throw new EngineError('INVALID_CONFIG', `config.mode must be "paper" or "live"`);
}

function checkId(id: string): void {
  if (!isUuid(id)) throw new EngineError('INVALID_ARGUMENT', `bot id "${id}" is not a uuid`);
}

export class BotsRepo {
  constructor(private readonly ctx: StorageContext) {}

  private select(db: Executor, where: SQL | undefined) {
    return db
      .select(columns)
      .from(bots)
      .innerJoin(botConfigVersions, and(eq(botConfigVersions.botId, bots.id), eq(botConfigVersions.version, bots.configVersion)))
      .where(where);
  }

  async create(input: NewBot): Promise<BotRecord> {
    checkConfig(input.config);
    const id = input.id ?? randomUUID();
    checkId(id);
    const desiredState = input.desiredState ?? 'stopped';
    if (!DESIRED_STATES.includes(desiredState)) throw new EngineError('INVALID_ARGUMENT', `desiredState must be one of ${DESIRED_STATES.join(', ')}`);
    const now = new Date();
    await this.ctx.tx('create bot', async (tx) => {
      await tx.insert(bots).values({
        id,
        name: input.config.name,
        accountId: input.config.accountId,
        symbol: input.config.symbol,
        mode: input.config.mode,
        desiredState,
        configVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(botConfigVersions).values({ botId: id, version: 1, config: input.config as unknown as Record<string, unknown>, changedBy: input.changedBy ?? null, changedAt: now });
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<BotRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.ctx.run('read bot', (db) => this.select(db, eq(bots.id, id)));
    return row === undefined ? undefined : toRecord(row);
  }

  async require(id: string): Promise<BotRecord> {
    const bot = await this.get(id);
    if (bot === undefined) throw new EngineError('NOT_FOUND', `no bot with id ${id}`);
    return bot;
  }

  async list(filter: { includeArchived?: boolean; accountId?: string; desiredState?: DesiredState } = {}): Promise<BotRecord[]> {
    const where = and(
      filter.includeArchived === true ? undefined : isNull(bots.archivedAt),
      filter.accountId === undefined ? undefined : eq(bots.accountId, filter.accountId),
      filter.desiredState === undefined ? undefined : eq(bots.desiredState, filter.desiredState),
    );
    const rows = await this.ctx.run('list bots', (db) => this.select(db, where).orderBy(asc(bots.name), asc(bots.createdAt)));
    return rows.map(toRecord);
  }

  /** Which of these bots are archived or gone (ids only: no config is read). */
  async removedAmong(ids: readonly string[]): Promise<Set<string>> {
    const valid = ids.filter(isUuid);
    const active =
      valid.length === 0
        ? []
        : await this.ctx.run('read active bot ids', (db) =>
            db
              .select({ id: bots.id })
              .from(bots)
              .where(and(inArray(bots.id, valid), isNull(bots.archivedAt))),
          );
    const kept = new Set(active.map((r) => r.id));
    return new Set(ids.filter((id) => !kept.has(id)));
  }

  /** Saves a new config version and makes it current. Returns the new version number. */
  async updateConfig(id: string, config: BotConfig, changedBy?: string): Promise<number> {
    checkId(id);
    checkConfig(config);
    return this.ctx.tx('update bot config', async (tx) => {
      const [bot] = await tx.select({ version: bots.configVersion }).from(bots).where(eq(bots.id, id)).for('update');
      if (bot === undefined) throw new EngineError('NOT_FOUND', `no bot with id ${id}`);
      const version = bot.version + 1;
      const now = new Date();
      await tx.insert(botConfigVersions).values({ botId: id, version, config: config as unknown as Record<string, unknown>, changedBy: changedBy ?? null, changedAt: now });
      await tx
        .update(bots)
        .set({ configVersion: version, name: config.name, accountId: config.accountId, symbol: config.symbol, mode: config.mode, updatedAt: now })
        .where(eq(bots.id, id));
      this.ctx.directory.forget(id);
      return version;
    });
  }

  /** What the operator wants (the server restores it after a restart). */
  async setDesiredState(id: string, state: DesiredState): Promise<void> {
    checkId(id);
    if (!DESIRED_STATES.includes(state)) throw new EngineError('INVALID_ARGUMENT', `desiredState must be one of ${DESIRED_STATES.join(', ')}`);
    const rows = await this.ctx.run('set desired state', (db) =>
      db.update(bots).set({ desiredState: state, updatedAt: new Date() }).where(eq(bots.id, id)).returning({ id: bots.id }),
    );
    if (rows.length === 0) throw new EngineError('NOT_FOUND', `no bot with id ${id}`);
  }

  /** Writes the halt directly (the journal's recordHalt queues the same update). */
  async setHalt(id: string, trip: HaltTrip | undefined): Promise<void> {
    checkId(id);
    await this.ctx.run('set halt', (db) =>
      db
        .update(bots)
        .set({ halt: (trip ?? null) as Record<string, unknown> | null, updatedAt: new Date() })
        .where(eq(bots.id, id)),
    );
  }

  /** Hides a bot from lists; its history stays. A running bot must be stopped first (by the server). */
  async archive(id: string): Promise<void> {
    checkId(id);
    const rows = await this.ctx.run('archive bot', (db) =>
      db.update(bots).set({ archivedAt: new Date(), desiredState: 'stopped', updatedAt: new Date() }).where(eq(bots.id, id)).returning({ id: bots.id }),
    );
    if (rows.length === 0) throw new EngineError('NOT_FOUND', `no bot with id ${id}`);
  }
}

export interface ConfigVersion {
  readonly botId: string;
  readonly version: number;
  readonly config: BotConfig;
  readonly changedBy: string | undefined;
  readonly changedAt: number;
}

export class ConfigVersionsRepo {
  constructor(private readonly ctx: StorageContext) {}

  /** Newest first. */
  async list(botId: string, limit = 100): Promise<ConfigVersion[]> {
    if (!isUuid(botId)) return [];
    const rows = await this.ctx.run('list config versions', (db) =>
      db.select().from(botConfigVersions).where(eq(botConfigVersions.botId, botId)).orderBy(desc(botConfigVersions.version)).limit(limit),
    );
    return rows.map((r) => ({ botId: r.botId, version: r.version, config: r.config as unknown as BotConfig, changedBy: r.changedBy ?? undefined, changedAt: r.changedAt.getTime() }));
  }

  async get(botId: string, version: number): Promise<ConfigVersion | undefined> {
    if (!isUuid(botId)) return undefined;
    const [r] = await this.ctx.run('read config version', (db) =>
      db.select().from(botConfigVersions).where(and(eq(botConfigVersions.botId, botId), eq(botConfigVersions.version, version))),
    );
    return r === undefined ? undefined : { botId: r.botId, version: r.version, config: r.config as unknown as BotConfig, changedBy: r.changedBy ?? undefined, changedAt: r.changedAt.getTime() };
  }
}
