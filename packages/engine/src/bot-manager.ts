// Runs many bots. Bots on the same venue account share one adapter (and so its rate limiter and
// streams) and one registry of resting orders, which the self-cross check and the free-balance
// estimate read. Every bot is isolated: its failures stay inside it, and the manager re-publishes
// its events on one bus for storage, the dashboard and notifiers.
import { EngineError, EventBus, fx, isLive, ledgerFillOf } from '@mm/core';
import type { BotConfig, CashFlow, Clock, Fill, Fixed } from '@mm/core';
import type { VenueAdapter } from '@mm/exchange';
import type { OwnBook } from '@mm/strategy';
import { Bot } from './bot.ts';
import type { AccountView, BotTimings } from './bot.ts';
import type { BotEvents } from './events.ts';
import type { BotJournal } from './journal.ts';

export interface VenueProvider {
  /** The adapter for a bot's account and market; the same instance for bots sharing it. */
  adapterFor(config: BotConfig): Promise<VenueAdapter>;
  /** The adapter that supplies an external reference price (master/slave pricing). */
  externalAdapterFor?(accountId: string, symbol: string): Promise<VenueAdapter>;
}

export interface BotManagerOptions {
  readonly clock: Clock;
  readonly journal: BotJournal;
  readonly venues: VenueProvider;
  readonly timings?: Partial<BotTimings>;
}

export class BotManager {
  readonly events = new EventBus<BotEvents>();
  private readonly bots = new Map<string, Bot>();
  private readonly unsubscribers = new Map<string, () => void>();
  /** Accounts whose activity nobody's bot caused is being booked (one watcher per shared adapter). */
  private readonly watchedAccounts = new Set<string>();
  private storageAvailable = true;

  constructor(private readonly options: BotManagerOptions) {}

  get(id: string): Bot {
    const bot = this.bots.get(id);
    if (bot === undefined) throw new EngineError('NOT_FOUND', `no bot with id ${id}`);
    return bot;
  }

  has(id: string): boolean {
    return this.bots.has(id);
  }

  list(): Bot[] {
    return [...this.bots.values()];
  }

  /** Creates a bot (not started). `initialState` STOPPED: a stored bot that is not to run now. */
  async add(id: string, config: BotConfig, initialState: 'INIT' | 'STOPPED' = 'INIT'): Promise<Bot> {
    if (this.bots.has(id)) throw new EngineError('CONFLICT', `a bot with id ${id} already exists`);
    const adapter = await this.options.venues.adapterFor(config);
    const external =
      config.marketMaking.referencePrice.source === 'external' && config.marketMaking.referencePrice.external !== undefined
        ? await this.options.venues.externalAdapterFor?.(config.marketMaking.referencePrice.external.accountId, config.marketMaking.referencePrice.external.symbol)
        : undefined;
    const bot = new Bot({
      id,
      config,
      adapter,
      clock: this.options.clock,
      journal: this.options.journal,
      account: this.accountView(adapter.accountKey),
      initialState,
      ...(external === undefined ? {} : { externalAdapter: external }),
      ...(this.options.timings === undefined ? {} : { timings: this.options.timings }),
    });
    this.bots.set(id, bot);
    const offs = (['state', 'order', 'fill', 'risk', 'log', 'stats', 'connection'] as const).map((topic) =>
      bot.events.on(topic, (payload) => this.events.emit(topic, payload as never)),
    );
    this.unsubscribers.set(id, () => offs.forEach((off) => off()));
    if (!this.storageAvailable) bot.setStorageAvailable(false);
    this.watchAccount(adapter, config.accountId);
    return bot;
  }

  /**
   * Books what happens on an account that none of our bots caused, so the account's figures
   * add up: fills of orders no bot placed, the part of a funding payment no bot's position
   * owns, and transfers. Each is stored once (by venue id), never spread over bots.
   */
  private watchAccount(adapter: VenueAdapter, accountId: string): void {
    if (this.watchedAccounts.has(adapter.accountKey)) return;
    this.watchedAccounts.add(adapter.accountKey);
    const venue = adapter.capabilities.venue;
    const botsOnAccount = () => this.list().filter((b) => b.accountKey === adapter.accountKey);
    adapter.events.on('fill', (fill: Fill) => {
      if (botsOnAccount().some((b) => b.orders.owns(fill.clientOrderId))) return;
      let inst;
      try {
        inst = adapter.instrument(fill.symbol);
      } catch {
        return; // a symbol the adapter has not loaded: nothing can value it
      }
      const f = ledgerFillOf(inst, fill, 'mm', undefined);
      this.options.journal.recordAccountFill({ ...f, accountId, venue, symbol: fill.symbol, tradeId: fill.tradeId, clientOrderId: fill.clientOrderId, receivedAt: fill.receivedAt });
    });
    adapter.events.on('cashFlow', (flow: CashFlow) => {
      const owned = flow.kind === 'funding' ? botsOnAccount().reduce((sum, b) => (b.symbol === flow.symbol ? sum + b.fundingShare(flow) : sum), 0n) : 0n;
      const rest = flow.amount - owned;
      if (rest !== 0n) this.options.journal.recordCashFlow({ accountId, venue, botId: undefined, flow, amount: rest });
    });
  }

  /**
   * Forgets a bot without touching the venue: its timers and streams stop, its orders stay.
   * For a runner that lost the bot's lease: the orders are the new holder's business now.
   */
  detach(id: string): void {
    const bot = this.bots.get(id);
    if (bot === undefined) return;
    bot.detach();
    this.forget(id);
  }

  private forget(id: string): void {
    this.unsubscribers.get(id)?.();
    this.unsubscribers.delete(id);
    this.bots.delete(id);
  }

  /** Starts a bot; a failure to start is reported by the bot (ERROR), not thrown to others. */
  async start(id: string): Promise<void> {
    await this.get(id).start();
  }

  /** Storage health for every bot (and for bots added later). */
  setStorageAvailable(available: boolean): void {
    this.storageAvailable = available;
    for (const bot of this.bots.values()) bot.setStorageAvailable(available);
  }

  /** Every bot's live orders on one account, for the cross check and reservations. */
  private accountView(accountKey: string): AccountView {
    const botsOnAccount = () => this.list().filter((b) => b.accountKey === accountKey);
    return {
      ownBook: (symbol: string): OwnBook => {
        let bestOwnBid: number | undefined;
        let bestOwnAsk: number | undefined;
        for (const bot of botsOnAccount()) {
          if (bot.symbol !== symbol) continue;
          for (const o of bot.liveOrders()) {
            // anything that may be resting counts, including orders in flight
            if (o.side === 'buy') bestOwnBid = bestOwnBid === undefined ? o.priceTicks : Math.max(bestOwnBid, o.priceTicks);
            else bestOwnAsk = bestOwnAsk === undefined ? o.priceTicks : Math.min(bestOwnAsk, o.priceTicks);
          }
        }
        return { bestOwnBid, bestOwnAsk };
      },
      openOrderCount: () => botsOnAccount().reduce((n, b) => n + b.orders.liveCount, 0),
      reserved: (asset: string): Fixed => {
        let total = 0n;
        for (const bot of botsOnAccount()) {
          const inst = bot.instrument;
          if (inst === undefined || inst.kind !== 'spot') continue;
          for (const o of bot.liveOrders()) {
            if (!isLive(o.status)) continue;
            const remaining = o.qtyLots - o.filledLots;
            if (o.side === 'buy' && asset === inst.quote) {
              const notional = inst.notional(o.priceTicks, remaining);
              total += notional + fx.mul(notional, fx.max(0n, bot.takerFee), 'ceil');
            } else if (o.side === 'sell' && asset === inst.base) {
              total += inst.lotsToFixed(remaining);
            }
          }
        }
        return total;
      },
    };
  }
}
