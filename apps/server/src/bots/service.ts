// Bots as the API sees them: stored (config versions, desired state, halt) and live (the last
// status of the runner that holds the bot). Every change goes to storage first, then as a
// command to the bot's runner, so a restart or a takeover brings back exactly what the operator
// asked for.
import { EngineError, isEngineError, validateBotConfig } from '@mm/core';
import type { AccountDto, BotAction, BotConfig, BotDetailDto, BotSummaryDto, DesiredState, MarketKindName, VenueName } from '@mm/core';
import { CHANNELS, marketsOf } from '@mm/runner';
import type { FleetClient, LiveBotView, RunnerCommand, VenueRegistry } from '@mm/runner';
import type { Account, BotRecord, Storage } from '@mm/storage';
import { validationError } from '../http/route.ts';
import type { LedgerService } from '../ledger/service.ts';

export interface Actor {
  readonly user: string;
}

/** How long creating a bot waits for a runner to claim it (the answer then shows who holds it). */
const CLAIM_WAIT_MS = 5_000;

/** Actions that only change what the bot should be doing: recorded even while no runner holds the bot. */
const DESIRED: Partial<Record<BotAction, DesiredState>> = { start: 'running', stop: 'stopped', pause: 'paused', resume: 'running' };

export class BotService {
  private readonly accounts = new Map<string, Account>();
  /** Told after a bot is archived, so live views (the dashboard's stream) drop it. */
  private readonly removedListeners = new Set<(botId: string) => void>();

  constructor(
    private readonly storage: Storage,
    private readonly fleet: FleetClient,
    private readonly registry: VenueRegistry,
    readonly ledger: LedgerService,
  ) {}

  // ---------------------------------------------------------------- reads

  async list(): Promise<BotSummaryDto[]> {
    const records = await this.storage.bots.list();
    return Promise.all(records.map((r) => this.summary(r)));
  }

  async detail(id: string): Promise<BotDetailDto> {
    const record = await this.storage.bots.require(id);
    // one bot's page: its runner's latest status, not the last poll's
    await this.fleet.refresh([id]);
    const summary = await this.summary(record);
    const bot = this.fleet.has(id) ? this.fleet.get(id) : undefined;
    const inst = bot?.instrument;
    return {
      ...summary,
      config: record.config,
      configVersion: record.configVersion,
      risk: bot?.riskStatuses() ?? [],
      activeTrips: bot?.activeRiskTrips() ?? [],
      instrument: inst === undefined ? undefined : { tickSize: inst.tickSize, lotSize: inst.lotSize, minQty: inst.minQty, minNotional: inst.minNotional, base: inst.base, quote: inst.quote },
    };
  }

  /** The bot's live view (its runner's last status); NOT_FOUND while no runner holds it. */
  live(id: string): LiveBotView {
    if (!this.fleet.has(id)) throw new EngineError('NOT_FOUND', `no runner holds bot ${id} right now`);
    return this.fleet.get(id);
  }

  async summary(record: BotRecord): Promise<BotSummaryDto> {
    const account = await this.account(record.accountId);
    const bot = this.fleet.has(record.id) ? this.fleet.get(record.id) : undefined;
    const lease = this.fleet.leaseOf(record.id);
    // one snapshot per summary: stats() computes PnL, equity and pacing afresh on every call
    const stats = await this.ledger.stats(record).catch(() => undefined);
    return {
      id: record.id,
      name: record.name,
      accountId: record.accountId,
      accountName: account?.name ?? record.accountId,
      venue: (account?.venue ?? 'sim') as VenueName,
      // a stopped bot restored from storage has no instrument yet: its venue adapter knows the market
      market: (bot?.market ?? account?.market ?? 'spot') as MarketKindName,
      symbol: record.symbol,
      baseAsset: bot?.instrument?.base ?? '',
      quoteAsset: bot?.instrument === undefined ? '' : bot.instrument.kind === 'perp' ? bot.instrument.marginAsset : bot.instrument.quote,
      mode: record.mode,
      state: bot?.state ?? 'STOPPED',
      tradingState: bot?.tradingState ?? (record.halt !== undefined ? 'HALTED' : 'ACTIVE'),
      quotingBlocked: bot?.quotingBlocked ?? false,
      desiredState: record.desiredState,
      error: bot?.error,
      stats,
      ...(lease === undefined ? {} : { lease }),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  // ---------------------------------------------------------------- writes

  /** Validates a config against the schema, the account and the venue's symbols. */
  async validate(input: unknown): Promise<BotConfig> {
    const checked = validateBotConfig(input);
    if (!checked.ok) throw validationError(checked.errors, 'the bot configuration is invalid');
    const config = checked.config;
    const account = await this.account(config.accountId);
    if (account === undefined) throw validationError([{ path: 'accountId', message: `no account "${config.accountId}"` }]);
    if (account.venue === 'sim' && config.mode !== 'paper') throw validationError([{ path: 'mode', message: 'the paper account runs paper bots only' }]);
    if (account.venue !== 'sim' && config.mode !== 'live') throw validationError([{ path: 'mode', message: `a bot on ${account.name} must be switched to live explicitly` }]);
    if (config.mode === 'live' && !account.live) throw validationError([{ path: 'accountId', message: `account ${account.name} is not enabled for live trading` }]);
    const symbols: string[] = [];
    try {
      // the paper account trades the simulated exchange's spot and perp markets (as its instruments list says)
      for (const market of marketsOf(account)) symbols.push(...(await (await this.registry.forAccount(account, market)).instruments()).map((i) => i.symbol));
    } catch (error) {
      throw validationError([{ path: 'symbol', message: `could not load the symbols of ${account.name}: ${(error as Error).message}` }]);
    }
    if (!symbols.includes(config.symbol)) {
      const hint = symbols.slice(0, 8).join(', ');
      throw validationError([{ path: 'symbol', message: `${config.symbol} is not traded on ${account.name}${hint ? ` (for example: ${hint})` : ''}` }]);
    }
    return config;
  }

  async create(input: unknown, actor: Actor): Promise<BotDetailDto> {
    const config = await this.validate(input);
    const record = await this.storage.bots.create({ config, desiredState: 'stopped', changedBy: actor.user });
    // a runner claims it at once rather than at its next lease cycle
    await this.storage.notify(CHANNELS.lease, record.id).catch(() => undefined);
    await this.fleet.waitForHolder(record.id, CLAIM_WAIT_MS);
    return this.detail(record.id);
  }

  async update(id: string, input: unknown, actor: Actor): Promise<BotDetailDto> {
    const record = await this.storage.bots.require(id);
    const config = await this.validate(input);
    const bot = this.fleet.has(id) ? this.fleet.get(id) : undefined;
    for (const field of ['accountId', 'symbol', 'mode'] as const) {
      if (config[field] !== record.config[field] && bot !== undefined && bot.state !== 'STOPPED' && bot.state !== 'INIT') {
        throw validationError([{ path: field, message: `${field} cannot change while the bot runs; stop it first` }]);
      }
    }
    await this.storage.bots.updateConfig(id, config, actor.user);
    // a bot no runner holds takes the stored config when one claims it
    if (bot !== undefined) await this.fleet.command(id, 'config', {}, actor.user);
    return this.detail(id);
  }

  async remove(id: string, actor: Actor = { user: 'system' }): Promise<void> {
    await this.storage.bots.require(id);
    // stopped first, so that no runner claiming it in between starts it
    await this.setDesired(id, 'stopped');
    if (this.fleet.leaseOf(id) !== undefined) await this.fleet.command(id, 'remove', {}, actor.user).catch((error: unknown) => this.tolerateNoRunner(error));
    await this.storage.bots.archive(id);
    this.ledger.invalidate(id);
    for (const listener of this.removedListeners) listener(id);
  }

  onRemoved(listener: (botId: string) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  async act(
    id: string,
    action: BotAction,
    reason: string | undefined,
    options: { readonly closePosition?: { readonly maxSlippagePct: number } } = {},
    actor: Actor = { user: 'system' },
  ): Promise<BotSummaryDto> {
    await this.storage.bots.require(id);
    try {
      await this.fleet.command(id, action as RunnerCommand, { ...(reason === undefined ? {} : { reason }), ...(options.closePosition === undefined ? {} : { closePosition: options.closePosition }) }, actor.user);
    } catch (error) {
      // nobody holds the bot: what it should be doing is recorded, and its next runner does it
      const desired = DESIRED[action];
      if (!isEngineError(error, 'NO_RUNNER') || desired === undefined) throw error;
      await this.setDesired(id, desired);
    }
    this.ledger.invalidate(id);
    return this.summary(await this.storage.bots.require(id));
  }

  private tolerateNoRunner(error: unknown): void {
    if (!isEngineError(error, 'NO_RUNNER')) throw error;
  }

  /** Applies an action to every bot; failures are reported per bot, not thrown. */
  async actAll(action: BotAction, reason: string | undefined, actor: Actor = { user: 'system' }): Promise<{ id: string; ok: boolean; message?: string }[]> {
    const out: { id: string; ok: boolean; message?: string }[] = [];
    for (const record of await this.storage.bots.list()) {
      try {
        await this.act(record.id, action, reason, {}, actor);
        out.push({ id: record.id, ok: true });
      } catch (error) {
        out.push({ id: record.id, ok: false, message: (error as Error).message });
      }
    }
    return out;
  }

  accountDto(a: Account): AccountDto {
    return { id: a.id, name: a.name, venue: a.venue as VenueName, market: a.market, live: a.live, baseUrls: a.baseUrls, credentialHint: a.credentialsHint, createdAt: a.createdAt, updatedAt: a.updatedAt, ...(a.feed === undefined ? {} : { feed: a.feed }) };
  }

  invalidateAccount(id: string): void {
    this.accounts.delete(id);
  }

  private async setDesired(id: string, state: DesiredState): Promise<void> {
    await this.storage.bots.setDesiredState(id, state);
  }

  private async account(id: string): Promise<Account | undefined> {
    let account = this.accounts.get(id);
    if (account === undefined) {
      account = await this.storage.accounts.get(id);
      if (account !== undefined) this.accounts.set(id, account);
    }
    return account;
  }
}
