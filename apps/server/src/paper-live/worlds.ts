// Paper accounts on live market data: one replay world per account (LiveClock, markets pushed
// by live feeds, the queue model deciding fills), so the account's bots share its balances and
// its self-trade prevention. A symbol's feed opens when a bot subscribes to it and closes when
// no bot on the account needs it any more (or at shutdown). The world is saved every few
// seconds and at shutdown, and read back when the account is first used after a restart.
import { EngineError, Rng } from '@mm/core';
import type { BotConfig, BotStateName, Clock, EventBus, Fixed } from '@mm/core';
import type { FeeRates, VenueAdapter } from '@mm/exchange';
import { ReplayWorld } from '@mm/exchange-sim';
import type { ReplayWorldState, SimVenue } from '@mm/exchange-sim';
import type { Account, Storage } from '@mm/storage';
import { FeedCatalog } from './catalog.ts';
import { feedLabel, paperFeedAccount } from './feed-source.ts';
import type { PaperFeedAccount } from './feed-source.ts';
import { LiveFeed } from './live-feed.ts';
import { LiveDataVenue } from './live-venue.ts';

const SAVE_EVERY_MS = 5_000;
/** A quiet but connected market republishes its book this often: no stale-data trip for calm. */
const BOOK_KEEPALIVE_MS = 1_000;

export const stateKey = (accountId: string): string => `paper-live:${accountId}`;

/** The bots the service asks whether a feed is still needed (the fleet: every runner's bots). */
export interface FeedDemand {
  list(): readonly { readonly config: BotConfig; readonly symbol: string; readonly state: BotStateName; readonly closingPosition: boolean }[];
  readonly events: Pick<EventBus<{ state: unknown }>, 'on'>;
}

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PaperLiveOptions {
  readonly clock: Clock;
  readonly storage: Storage;
  readonly logger: Log;
}

interface FeedSlot {
  feed: LiveFeed | undefined;
  /** Opening and closing happen one after the other. */
  chain: Promise<void>;
}

interface AccountWorld {
  account: PaperFeedAccount;
  readonly world: ReplayWorld;
  readonly venue: SimVenue;
  /** The account's own view (no bot symbol), made on first use. */
  view?: LiveDataVenue;
  readonly feeds: Map<string, FeedSlot>;
  readonly adding: Map<string, Promise<void>>;
}

export class PaperLiveWorlds {
  private readonly catalog: FeedCatalog;
  private readonly worlds = new Map<string, AccountWorld>();
  private readonly loading = new Map<string, Promise<AccountWorld>>();
  private readonly rng = new Rng('paper-live');
  private demand: FeedDemand | undefined;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: PaperLiveOptions) {
    this.catalog = new FeedCatalog(options.clock);
  }

  /** Saves every few seconds from now on. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.save(), SAVE_EVERY_MS);
    this.timer.unref();
  }

  /** Closes a symbol's feed when the last bot that needs it stops. */
  attach(demand: FeedDemand): void {
    this.demand = demand;
    demand.events.on('state', () => void this.release());
  }

  /** A bot's adapter: its own view of the account's SimVenue, bringing its market in on connect. */
  async adapterFor(account: Account, config: BotConfig): Promise<VenueAdapter> {
    const entry = await this.entry(account);
    return new LiveDataVenue(entry.venue, this.hooks(entry), config.symbol);
  }

  /** The account's adapter for balances, connection tests and the instrument list. */
  async forAccount(account: Account): Promise<VenueAdapter> {
    const entry = await this.entry(account);
    entry.view ??= new LiveDataVenue(entry.venue, this.hooks(entry));
    return entry.view;
  }

  /** The account's world, once it has been used (tests, diagnostics). */
  world(accountId: string): ReplayWorld | undefined {
    return this.worlds.get(accountId)?.world;
  }

  /** A symbol's open feed, if any. */
  feed(accountId: string, symbol: string): LiveFeed | undefined {
    return this.worlds.get(accountId)?.feeds.get(symbol)?.feed;
  }

  /** The live mid of a symbol while its feed has a book (the grid preview's reference). */
  mid(accountId: string, symbol: string): Fixed | undefined {
    const world = this.world(accountId);
    return world !== undefined && world.hasMarket(symbol) ? world.mid(symbol) : undefined;
  }

  /** The account changed (its URLs): the instrument list is read again and open feeds reconnect. */
  async refresh(accountId: string): Promise<void> {
    this.catalog.forget(accountId);
    const entry = this.worlds.get(accountId);
    if (entry === undefined) return;
    const stored = await this.options.storage.accounts.get(accountId);
    const account = stored === undefined ? undefined : paperFeedAccount(stored);
    if (account === undefined) return;
    entry.account = account;
    for (const [symbol, slot] of entry.feeds) {
      if (slot.feed === undefined) continue;
      await this.queue(slot, async () => {
        await slot.feed?.close();
        slot.feed = undefined;
        slot.feed = await this.openFeed(entry, symbol);
      }).catch((error: unknown) => this.options.logger.warn({ accountId, symbol, err: error }, 'could not reopen the live feed after the account changed; the next bot start tries again'));
    }
  }

  async save(): Promise<void> {
    if (this.saving !== undefined) return this.saving;
    this.saving = (async () => {
      for (const [accountId, entry] of this.worlds) {
        try {
          await this.options.storage.simState.save(stateKey(accountId), entry.world.exportState());
        } catch (error) {
          this.options.logger.warn({ accountId, err: error }, 'could not save the paper state of a live-data account; will retry');
        }
      }
    })().finally(() => (this.saving = undefined));
    return this.saving;
  }

  /** Shutdown: saves every world, closes every feed and world. */
  async closeAll(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled(this.loading.values());
    await this.save();
    for (const entry of this.worlds.values()) {
      for (const slot of entry.feeds.values()) {
        await this.queue(slot, async () => {
          await slot.feed?.close();
          slot.feed = undefined;
        }).catch(() => undefined);
      }
      await entry.world.closeAll();
    }
    this.worlds.clear();
  }

  // ---------------------------------------------------------------- accounts and worlds

  private async entry(account: Account): Promise<AccountWorld> {
    const paper = paperFeedAccount(account);
    if (paper === undefined) throw new EngineError('INTERNAL', `account ${account.name} is not a paper account on live market data`);
    if (this.closed) throw new EngineError('ILLEGAL_STATE', 'the server is shutting down');
    const known = this.worlds.get(account.id);
    if (known !== undefined) return known;
    let loading = this.loading.get(account.id);
    if (loading === undefined) {
      loading = this.load(paper).finally(() => this.loading.delete(account.id));
      this.loading.set(account.id, loading);
    }
    return loading;
  }

  private async load(account: PaperFeedAccount): Promise<AccountWorld> {
    const saved = await this.options.storage.simState.get<ReplayWorldState>(stateKey(account.id));
    let world: ReplayWorld;
    try {
      world = new ReplayWorld({
        clock: this.options.clock,
        seed: stateKey(account.id),
        markets: [],
        ...(saved === undefined ? {} : { restore: saved.state }),
        // the feed's data is late already; order entry and private streams keep their latency
        mdLatencyMs: 0,
        defaultFunding: account.feed.balances,
        // the venue's funding is not part of its public book and trades: not simulated
        fundingIntervalMs: 0,
        bookKeepaliveMs: BOOK_KEEPALIVE_MS,
      });
    } catch (error) {
      throw new EngineError('INVALID_CONFIG', `the saved paper state of account ${account.name} cannot be restored: ${(error as Error).message}`);
    }
    if (saved !== undefined) this.options.logger.info({ accountId: account.id, savedAt: new Date(saved.updatedAt).toISOString() }, `restoring the paper account ${account.name} (live market data from ${feedLabel(account)})`);
    world.start();
    const venue = world.venue(account.id, account.market);
    const entry: AccountWorld = { account, world, venue, feeds: new Map(), adding: new Map() };
    this.worlds.set(account.id, entry);
    return entry;
  }

  private hooks(entry: AccountWorld) {
    return {
      venueName: `paper-live:${entry.account.id}`,
      ensureMarket: (symbol: string) => this.ensureMarket(entry, symbol),
      subscribe: (symbol: string) => this.subscribe(entry, symbol),
      catalog: () => this.catalog.instruments(entry.account),
      fees: (): FeeRates => entry.world.exchange.feeSchedule(entry.account.id),
      hasMarket: (symbol: string) => entry.world.hasMarket(symbol),
    };
  }

  /** The symbol's market in the world, with the feed venue's instrument (tick, lot, minimum notional). */
  private ensureMarket(entry: AccountWorld, symbol: string): Promise<void> {
    if (entry.world.hasMarket(symbol)) return Promise.resolve();
    let adding = entry.adding.get(symbol);
    if (adding === undefined) {
      adding = (async () => {
        const inst = await this.catalog.instrument(entry.account, symbol);
        if (!entry.world.hasMarket(symbol)) entry.world.addMarket(inst.toJSON());
      })().finally(() => entry.adding.delete(symbol));
      entry.adding.set(symbol, adding);
    }
    return adding;
  }

  // ---------------------------------------------------------------- feeds

  private subscribe(entry: AccountWorld, symbol: string): Promise<void> {
    if (this.closed) return Promise.reject(new EngineError('ILLEGAL_STATE', 'the server is shutting down'));
    let slot = entry.feeds.get(symbol);
    if (slot === undefined) {
      slot = { feed: undefined, chain: Promise.resolve() };
      entry.feeds.set(symbol, slot);
    }
    const s = slot;
    return this.queue(s, async () => {
      s.feed ??= await this.openFeed(entry, symbol);
    });
  }

  private async openFeed(entry: AccountWorld, symbol: string): Promise<LiveFeed> {
    const market = entry.world.market(symbol);
    const feed = await LiveFeed.open(entry.account, market, { clock: this.options.clock, rng: this.rng.fork(`${entry.account.id}/${symbol}`) });
    const live = feed.source.instrument;
    if (live.tickSize !== market.inst.tickSize || live.lotSize !== market.inst.lotSize) {
      // prices and sizes travel as exact decimals: a finer grid at the venue only means some of its prices are skipped
      this.options.logger.warn({ accountId: entry.account.id, symbol, saved: [market.inst.tickSize, market.inst.lotSize], venue: [live.tickSize, live.lotSize] }, `${symbol}: the venue's tick or lot size changed since the paper account first traded it; the saved one stays`);
    }
    this.options.logger.info({ accountId: entry.account.id, symbol }, `live market data for ${symbol} from ${feedLabel(entry.account)} connected (paper account ${entry.account.name})`);
    return feed;
  }

  /** Closes the feeds no bot needs any more: the account's bots on that symbol are all stopped. */
  private async release(): Promise<void> {
    const demand = this.demand;
    if (demand === undefined || this.closed) return;
    const needed = (accountId: string, symbol: string) =>
      demand.list().some((b) => b.config.accountId === accountId && b.symbol === symbol && (b.state !== 'STOPPED' || b.closingPosition));
    for (const [accountId, entry] of this.worlds) {
      for (const [symbol, slot] of entry.feeds) {
        if (slot.feed === undefined || needed(accountId, symbol)) continue;
        await this.queue(slot, async () => {
          if (slot.feed === undefined || needed(accountId, symbol)) return;
          await slot.feed.close();
          slot.feed = undefined;
          this.options.logger.info({ accountId, symbol }, `live market data for ${symbol} closed: no bot of ${entry.account.name} needs it`);
        }).catch(() => undefined);
      }
    }
  }

  private queue(slot: FeedSlot, work: () => Promise<void>): Promise<void> {
    const run = slot.chain.then(work);
    slot.chain = run.catch(() => undefined);
    return run;
  }
}
