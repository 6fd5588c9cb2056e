// What a bot on a live-data paper account talks to: the account's SimVenue in its replay
// world (orders, balances, fills: all simulated, nothing leaves the process), with three
// things added. connect() first brings the bot's market into the world (its instrument from the
// feed venue's list), subscribeMarket() starts the live feed of the symbol, and instruments()
// lists the feed venue's symbols. Each bot gets its own view; they share the one SimVenue of
// the account, so they share its balances, streams and self-trade prevention.
import type {
  AmendRequest,
  Balance,
  CancelRequest,
  EventBus,
  Fill,
  Instrument,
  MarginSummary,
  MarginType,
  OrderRequest,
  Position,
  StpMode,
  VenueOrder,
} from '@mm/core';
import type { AmendResult, CancelResult, FeeRates, FillQuery, OrderRef, PlaceResult, VenueAdapter, VenueCapabilities, VenueEvents } from '@mm/exchange';
import type { SimVenue } from '@mm/exchange-sim';

export interface LiveDataHooks {
  /** Distinct per account, so fills of two paper worlds never share a (venue, symbol, trade id). */
  readonly venueName: string;
  /** Brings a symbol's market into the world (fetching its instrument when it is new). */
  ensureMarket(symbol: string): Promise<void>;
  /** Starts (or keeps) the symbol's live feed. */
  subscribe(symbol: string): Promise<void>;
  /** The feed venue's symbols. */
  catalog(): Promise<readonly Instrument[]>;
  /** The account's fees, also for a symbol not in the world yet (the grid preview asks early). */
  fees(): FeeRates;
  hasMarket(symbol: string): boolean;
}

export class LiveDataVenue implements VenueAdapter {
  readonly accountKey: string;
  readonly capabilities: VenueCapabilities;
  readonly events: EventBus<VenueEvents>;

  constructor(
    private readonly venue: SimVenue,
    private readonly hooks: LiveDataHooks,
    /** The bot's symbol (none for the account's own view: tests, balances, instruments). */
    private readonly symbol?: string,
  ) {
    this.accountKey = venue.accountKey;
    this.capabilities = { ...venue.capabilities, venue: hooks.venueName };
    this.events = venue.events;
  }

  async connect(): Promise<void> {
    if (this.symbol !== undefined) await this.hooks.ensureMarket(this.symbol);
    await this.venue.connect();
  }

  /** The SimVenue is the account's, shared by its bots: the paper-live service closes it. */
  async close(): Promise<void> {}

  /** Asks the feed venue (its instrument list) first, so a connection test proves the public endpoints answer. */
  async serverTime(): Promise<number> {
    await this.hooks.catalog();
    return this.venue.serverTime();
  }

  instruments(): Promise<readonly Instrument[]> {
    return this.hooks.catalog();
  }

  instrument(symbol: string): Instrument {
    return this.venue.instrument(symbol);
  }

  async subscribeMarket(symbol: string): Promise<void> {
    await this.hooks.ensureMarket(symbol);
    await this.hooks.subscribe(symbol);
    await this.venue.subscribeMarket(symbol);
  }

  unsubscribeMarket(symbol: string): Promise<void> {
    return this.venue.unsubscribeMarket(symbol);
  }

  balances(): Promise<readonly Balance[]> {
    return this.venue.balances();
  }

  async positions(symbol?: string): Promise<readonly Position[]> {
    await this.market(symbol);
    return this.venue.positions(symbol);
  }

  async openOrders(symbol?: string): Promise<readonly VenueOrder[]> {
    await this.market(symbol);
    return this.venue.openOrders(symbol);
  }

  queryOrder(ref: OrderRef): Promise<VenueOrder | null> {
    return this.venue.queryOrder(ref);
  }

  async fills(query: FillQuery): Promise<readonly Fill[]> {
    await this.market(query.symbol);
    return this.venue.fills(query);
  }

  async feeRates(symbol: string): Promise<FeeRates> {
    return this.hooks.hasMarket(symbol) ? this.venue.feeRates(symbol) : this.hooks.fees();
  }

  async placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> {
    for (const symbol of new Set(requests.map((r) => r.symbol))) await this.market(symbol);
    return this.venue.placeOrders(requests);
  }

  amendOrder(request: AmendRequest): Promise<AmendResult> {
    return this.venue.amendOrder(request);
  }

  async cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    for (const symbol of new Set(requests.map((r) => r.symbol))) await this.market(symbol);
    return this.venue.cancelOrders(requests);
  }

  async cancelAll(symbol: string): Promise<void> {
    await this.market(symbol);
    return this.venue.cancelAll(symbol);
  }

  async setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void> {
    await this.market(symbol);
    return this.venue.setDeadManSwitch(symbol, timeoutMs);
  }

  setAccountStp(mode: StpMode): Promise<void> {
    return this.venue.setAccountStp(mode);
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.market(symbol);
    return this.venue.setLeverage(symbol, leverage);
  }

  async setMarginType(symbol: string, marginType: MarginType): Promise<void> {
    await this.market(symbol);
    return this.venue.setMarginType(symbol, marginType);
  }

  marginSummary(): Promise<MarginSummary | null> {
    return this.venue.marginSummary();
  }

  /**
   * A symbol's market, brought into the world before a call that names it. A bot's own view did
   * that on connect; the account's view, which the server serves to external runners for every
   * bot of the account, meets a bot's symbol first in such a call.
   */
  private async market(symbol: string | undefined): Promise<void> {
    if (symbol !== undefined && !this.hooks.hasMarket(symbol)) await this.hooks.ensureMarket(symbol);
  }
}
