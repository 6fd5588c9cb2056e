// Bots as the API sees them: stored (config versions, desired state, halt) and live (the
// engine's Bot). Every change goes to storage first, then to the running bot, so a restart
// brings back exactly what the operator asked for.
import { EngineError, validateBotConfig } from '@mm/core';
import type { AccountDto, BotAction, BotConfig, BotDetailDto, BotSummaryDto, DesiredState, MarketKindName, VenueName } from '@mm/core';
import type { Bot, BotManager } from '@mm/engine';
import type { Account, BotRecord, Storage } from '@mm/storage';
import { validationError } from '../http/route.ts';
import type { VenueRegistry } from '../venues/registry.ts';
import type { LedgerService } from '../ledger/service.ts';

export interface Actor {
  readonly user: string;
}

export class BotService {
  private readonly accounts = new Map<string, Account>();
  /** Told after a bot is archived, so live views (the dashboard's stream) drop it. */
  private readonly removedListeners = new Set<(botId: string) => void>();

  constructor(
    private readonly storage: Storage,
    private readonly manager: BotManager,
    private readonly registry: VenueRegistry,
    readonly ledger: LedgerService,
  ) {}

  // ---------------------------------------------------------------- boot

  /** Recreates every stored bot and restarts the ones that were running (they reconcile first). */
  async restore(log: (message: string) => void): Promise<void> {
    for (const record of await this.storage.bots.list()) {
      try {
        // a bot that is not to run is STOPPED, as it was before the restart, with all its figures
        await this.manager.add(record.id, record.config, record.desiredState === 'stopped' ? 'STOPPED' : 'INIT');
        if (record.desiredState !== 'stopped') {
          void this.startBot(record.id, record.desiredState === 'paused');
          log(`resuming bot ${record.name} (${record.desiredState})`);
        }
      } catch (error) {
        log(`bot ${record.name} could not be restored: ${(error as Error).message}`);
      }
    }
  }

  // ---------------------------------------------------------------- reads

  async list(): Promise<BotSummaryDto[]> {
    const records = await this.storage.bots.list();
    return Promise.all(records.map((r) => this.summary(r)));
  }

  async detail(id: string): Promise<BotDetailDto> {
    const record = await this.storage.bots.require(id);
    const summary = await this.summary(record);
    const bot = this.manager.has(id) ? this.manager.get(id) : undefined;
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

  live(id: string): Bot {
    if (!this.manager.has(id)) throw new EngineError('NOT_FOUND', `no bot with id ${id}`);
    return this.manager.get(id);
  }

  async summary(record: BotRecord): Promise<BotSummaryDto> {
    const account = await this.account(record.accountId);
    const bot = this.manager.has(record.id) ? this.manager.get(record.id) : undefined;
    // one snapshot per summary: stats() computes PnL, equity and pacing afresh on every call
    const stats = await this.ledger.stats(record).catch(() => undefined);
    return {
      id: record.id,
      name: record.name,
      accountId: record.accountId,
      accountName: account?.name ?? record.accountId,
      venue: (account?.venue ?? 'sim') as VenueName,
      market: (bot?.instrument?.kind ?? account?.market ?? 'spot') as MarketKindName,
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
    let symbols: string[];
    try {
      const adapter = await this.registry.forAccount(account);
      symbols = (await adapter.instruments()).map((i) => i.symbol);
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
    await this.manager.add(record.id, config);
    return this.detail(record.id);
  }

  async update(id: string, input: unknown, actor: Actor): Promise<BotDetailDto> {
    const record = await this.storage.bots.require(id);
    const config = await this.validate(input);
    const bot = this.live(id);
    for (const field of ['accountId', 'symbol', 'mode'] as const) {
      if (config[field] !== record.config[field] && bot.state !== 'STOPPED' && bot.state !== 'INIT') {
        throw validationError([{ path: field, message: `${field} cannot change while the bot runs; stop it first` }]);
      }
    }
    await this.storage.bots.updateConfig(id, config, actor.user);
    bot.updateConfig(config);
    return this.detail(id);
  }

  async remove(id: string): Promise<void> {
    await this.storage.bots.require(id);
    if (this.manager.has(id)) await this.manager.remove(id);
    await this.storage.bots.archive(id);
    this.ledger.invalidate(id);
    for (const listener of this.removedListeners) listener(id);
  }

  onRemoved(listener: (botId: string) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  async act(id: string, action: BotAction, reason: string | undefined, options: { readonly closePosition?: { readonly maxSlippagePct: number } } = {}): Promise<BotSummaryDto> {
    const record = await this.storage.bots.require(id);
    const bot = this.live(id);
    switch (action) {
      case 'start':
        if (bot.state !== 'INIT' && bot.state !== 'STOPPED') throw new EngineError('ILLEGAL_STATE', `bot ${record.name} is already ${bot.state}`);
        await this.setDesired(id, 'running');
        void this.startBot(id, false);
        break;
      case 'stop': {
        const close = options.closePosition;
        if (close !== undefined) {
          // refused before anything changes: a spot or halted bot, a bot that is not running
          if (bot.state === 'INIT' || bot.state === 'STOPPED' || bot.state === 'STOPPING') {
            throw new EngineError('ILLEGAL_STATE', `bot ${record.name} is ${bot.state}: only a running bot's stop can close its position`);
          }
          const refusal = bot.closePositionRefusal(close);
          if (refusal !== undefined) throw refusal;
        }
        await this.setDesired(id, 'stopped');
        await bot.stop('stopped by operator', close === undefined ? {} : { closePosition: close });
        // its figures are read from storage from now on: what it wrote last must be there
        this.storage.journal.writePendingStats(id);
        await this.storage.journal.flush();
        this.ledger.invalidate(id);
        break;
      }
      case 'pause':
        await this.setDesired(id, 'paused');
        await bot.pause();
        break;
      case 'resume':
        await this.setDesired(id, 'running');
        await bot.resume();
        break;
      case 'cancel-all':
        await bot.cancelAll('cancel all by operator');
        break;
      case 'kill':
        await bot.kill(reason ?? 'kill switch by operator');
        break;
      case 'reset-halt':
        await bot.resetHalt();
        await this.storage.bots.setHalt(id, undefined);
        break;
    }
    return this.summary(await this.storage.bots.require(id));
  }

  /** Applies an action to every bot; failures are reported per bot, not thrown. */
  async actAll(action: BotAction, reason: string | undefined): Promise<{ id: string; ok: boolean; message?: string }[]> {
    const out: { id: string; ok: boolean; message?: string }[] = [];
    for (const record of await this.storage.bots.list()) {
      try {
        await this.act(record.id, action, reason);
        out.push({ id: record.id, ok: true });
      } catch (error) {
        out.push({ id: record.id, ok: false, message: (error as Error).message });
      }
    }
    return out;
  }

  accountDto(a: Account): AccountDto {
    return { id: a.id, name: a.name, venue: a.venue as VenueName, market: a.market, live: a.live, baseUrls: a.baseUrls, credentialHint: a.credentialsHint, createdAt: a.createdAt, updatedAt: a.updatedAt };
  }

  invalidateAccount(id: string): void {
    this.accounts.delete(id);
  }

  private async startBot(id: string, thenPause: boolean): Promise<void> {
    const bot = this.manager.get(id);
    try {
      // the account's reconciliation starts before its first bot trades
      await this.ledger.ensureBaseline(bot.config.accountId).catch(() => undefined);
      this.ledger.invalidate(id);
      await bot.start();
      if (thenPause && (bot.state === 'RUNNING' || bot.state === 'START_QUOTING')) await bot.pause('restored paused');
    } catch {
      // the bot reports its own failure (ERROR state, log event)
    }
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
