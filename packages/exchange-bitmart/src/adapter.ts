// BitmartSpotAdapter: the venue port for BitMart spot. REST for reference data, queries and
// order entry; the public WebSocket for books and trades; the private WebSocket for orders,
// fills and balances. BitMart has no dead-man switch on spot, so the adapter emulates one
// (watchdog.ts); cancel-all is paced to the venue's once-per-3-s rule (cancel-all-pacer.ts).
import { EngineError, EventBus, fx, Instrument, toEngineError } from '@mm/core';
import type { AmendRequest, Balance, BookSnapshot, CancelRequest, Clock, Fill, MarginSummary, OrderRequest, Position, Rng, StpMode, VenueOrder } from '@mm/core';
import { compareFills } from '@mm/exchange';
import type {
  AmendResult,
  BackoffOptions,
  CancelResult,
  FeeRates,
  FillQuery,
  OrderRef,
  PlaceResult,
  StreamName,
  VenueAdapter,
  VenueCapabilities,
  VenueEvents,
  VenueRiskEvent,
  WsOpenInfo,
  WsStateEvent,
} from '@mm/exchange';
import type { CancelAllPacing } from './cancel-all-pacer.ts';
import { BitmartRestClient } from './client.ts';
import { checkCredentials, resolveUrls } from './config.ts';
import type { BitmartUrls } from './config.ts';
import { CANCEL_ALL_MIN_INTERVAL_MS, MAX_BATCH } from './endpoints.ts';
import { balancesFromPush, balancesFromWallet, fillFromWire, instrumentDefFromSymbol, orderFromWire } from './mapping.ts';
import { OrderEntry } from './order-entry.ts';
import { OrderTracker } from './order-tracker.ts';
import { PrivateStream } from './private-stream.ts';
import { PublicStream } from './public-stream.ts';
import { sharedBudget } from './shared-budget.ts';
import type { BitmartCredentials } from './signing.ts';
import { DeadManWatchdog } from './watchdog.ts';
import type { WatchdogFired } from './watchdog.ts';
import type { WireOrder, WireSymbolDetail, WireTrade, WireWallet } from './wire.ts';

export interface BitmartAdapterOptions {
  readonly credentials: BitmartCredentials;
  /** Per-account base URLs; missing ones come from BITMART_* environment variables, then defaults. */
  readonly urls?: Partial<BitmartUrls>;
  /** Environment for URL lookup (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly accountKey?: string;
  /** STP for orders that name none; BitMart's own default is cancel_maker. Default expire_taker. */
  readonly defaultStpMode?: StpMode;
  /** 'wait' (default) delays a too-early cancelAll; 'refuse' throws RATE_LIMITED instead. */
  readonly cancelAllPacing?: CancelAllPacing;
  readonly requestTimeoutMs?: number;
  readonly recvWindowMs?: number;
  readonly connectTimeoutMs?: number;
  /** Text ping interval on both sockets (venue: under 20 s). Default 15 s. */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  readonly reconnectBackoff?: BackoffOptions;
  readonly bookDepth?: number;
  readonly resyncTimeoutMs?: number;
  /** Learn the venue clock offset from /system/time on connect. Default true. */
  readonly syncTime?: boolean;
  readonly userAgent?: string;
  readonly fetch?: typeof fetch;
  /**
   * Problems the adapter survives (a malformed push, a failed reconnect attempt, an odd pair in
   * the symbol list). Default: a process warning.
   */
  readonly onError?: (error: EngineError) => void;
}

/** Until the port lists it, the risk kind is carried as the honest string. */
const DEAD_MAN_SWITCH_KIND: VenueRiskEvent['kind'] = 'dead_man_switch';

export class BitmartSpotAdapter implements VenueAdapter {
  readonly accountKey: string;
  readonly capabilities: VenueCapabilities = {
    venue: 'bitmart',
    market: 'spot',
    postOnly: true,
    fok: false,
    stpModes: ['expire_taker', 'expire_maker', 'expire_both'],
    maxBatchPlace: MAX_BATCH,
    maxBatchCancel: MAX_BATCH,
    amend: false,
    // emulated by a local watchdog; see watchdog.ts
    deadManSwitch: true,
    cancelAllMinIntervalMs: CANCEL_ALL_MIN_INTERVAL_MS,
    maxClientOrderIdLength: 32,
    fillsFromTradeId: false,
  };
  readonly events = new EventBus<VenueEvents>();
  readonly urls: BitmartUrls;
  readonly client: BitmartRestClient;

  private readonly options: BitmartAdapterOptions;
  private readonly clock: Clock;
  private readonly credentials: BitmartCredentials;
  private readonly tracker: OrderTracker;
  private readonly entry: OrderEntry;
  private readonly watchdog: DeadManWatchdog;
  private readonly budget: ReturnType<typeof sharedBudget>;
  private readonly instrumentMap = new Map<string, Instrument>();
  private stpMode: StpMode;
  private publicStream: PublicStream | undefined;
  private privateStream: PrivateStream | undefined;
  private connecting: Promise<void> | undefined;
  private connected = false;

  constructor(options: BitmartAdapterOptions) {
    this.options = options;
    this.clock = options.clock;
    this.credentials = checkCredentials(options.credentials);
    this.urls = resolveUrls(options.urls, options.env);
    this.accountKey = options.accountKey ?? `bitmart:${this.credentials.apiKey.slice(0, 8)}:spot`;
    this.stpMode = options.defaultStpMode ?? 'expire_taker';
    this.budget = sharedBudget(this.urls.rest, this.credentials.apiKey, options.clock);
    this.client = new BitmartRestClient({
      restUrl: this.urls.rest,
      clock: options.clock,
      credentials: this.credentials,
      limiter: this.budget.limiter,
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      ...(options.recvWindowMs === undefined ? {} : { recvWindowMs: options.recvWindowMs }),
      ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    this.tracker = new OrderTracker({
      clock: options.clock,
      instrument: (symbol) => this.instrumentMap.get(symbol),
      emitOrder: (order) => this.events.emit('order', order),
      emitFill: (fill) => this.events.emit('fill', fill),
      fetchOrderFills: (symbol, orderId) => this.orderFills(symbol, orderId),
      onError: (error) => this.logError(error),
    });
    this.entry = new OrderEntry({
      client: this.client,
      tracker: this.tracker,
      clock: options.clock,
      instrument: (symbol) => this.instrument(symbol),
      defaultStp: () => this.stpMode,
    });
    this.watchdog = new DeadManWatchdog({
      clock: options.clock,
      cancelAll: (symbol) => this.cancelAll(symbol),
      onFired: (event) => this.onWatchdog(event),
    });
  }

  // ---------------------------------------------------------------- lifecycle

  connect(): Promise<void> {
    this.connecting ??= this.doConnect().catch((error: unknown) => {
      this.connecting = undefined;
      this.stopStreams();
      throw error;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    if (this.options.syncTime !== false) await this.syncTime();
    await this.instruments();
    const privateStream = new PrivateStream({
      url: this.urls.privateWs,
      clock: this.clock,
      rng: this.options.rng.fork('bitmart-private'),
      credentials: this.credentials,
      timeOffsetMs: () => this.client.timeOffsetMs,
      ...this.socketOptions(),
    });
    privateStream.events.on('order', ({ push, receivedAt }) => this.tracker.onPush(push, receivedAt));
    privateStream.events.on('error', (error) => this.logError(error));
    privateStream.events.on('balance', ({ push }) => {
      try {
        this.events.emit('balances', balancesFromPush(push));
      } catch (error) {
        this.logError(error);
      }
    });
    this.wireConnection('private', privateStream.events);
    this.privateStream = privateStream;
    const publicStream = new PublicStream({
      url: this.urls.publicWs,
      clock: this.clock,
      rng: this.options.rng.fork('bitmart-public'),
      instrument: (symbol) => this.instrument(symbol),
      ...(this.options.bookDepth === undefined ? {} : { bookDepth: this.options.bookDepth }),
      ...(this.options.resyncTimeoutMs === undefined ? {} : { resyncTimeoutMs: this.options.resyncTimeoutMs }),
      ...this.socketOptions(),
    });
    publicStream.events.on('book', (book) => this.events.emit('book', book));
    publicStream.events.on('trade', (trade) => this.events.emit('trade', trade));
    publicStream.events.on('error', (error) => this.logError(error));
    this.wireConnection('market', publicStream.events);
    this.publicStream = publicStream;
    privateStream.start();
    publicStream.start();
    await privateStream.waitOpen(this.options.connectTimeoutMs ?? 15_000);
    this.connected = true;
  }

  async close(): Promise<void> {
    this.watchdog.close();
    this.stopStreams();
    this.connected = false;
    this.connecting = undefined;
  }

  private stopStreams(): void {
    this.publicStream?.close();
    this.privateStream?.close();
    this.publicStream = undefined;
    this.privateStream = undefined;
  }

  private socketOptions(): { pingIntervalMs?: number; pongTimeoutMs?: number; backoff?: BackoffOptions } {
    return {
      ...(this.options.pingIntervalMs === undefined ? {} : { pingIntervalMs: this.options.pingIntervalMs }),
      ...(this.options.pongTimeoutMs === undefined ? {} : { pongTimeoutMs: this.options.pongTimeoutMs }),
      ...(this.options.reconnectBackoff === undefined ? {} : { backoff: this.options.reconnectBackoff }),
    };
  }

  /** Socket states → connection events: first open 'connected', a drop 'disconnected', back 'reconnected'. */
  private wireConnection(stream: StreamName, events: { on(topic: 'state', h: (s: WsStateEvent) => void): unknown; on(topic: 'open', h: (i: WsOpenInfo) => void): unknown }): void {
    events.on('state', (s) => {
      if (s.state === 'reconnecting') this.events.emit('connection', { stream, state: 'disconnected', ...(s.reason === undefined ? {} : { reason: s.reason }), at: s.at });
    });
    events.on('open', (info) => {
      this.events.emit('connection', { stream, state: info.reconnect ? 'reconnected' : 'connected', at: this.clock.now() });
    });
  }

  // ---------------------------------------------------------------- reference data

  async serverTime(): Promise<number> {
    const data = await this.client.call<{ server_time?: unknown }>('system.time');
    const t = Number(data?.server_time);
    if (!Number.isFinite(t)) throw new EngineError('VENUE_ERROR', `BitMart /system/time answered without server_time: ${JSON.stringify(data)}`);
    return t;
  }

  /** Learns venue time minus local time; signed timestamps use it (30007 otherwise, §8.25). */
  private async syncTime(): Promise<void> {
    const before = this.clock.now();
    const server = await this.serverTime();
    const after = this.clock.now();
    this.client.setTimeOffset(server - (before + after) / 2);
  }

  async instruments(): Promise<readonly Instrument[]> {
    const data = await this.client.call<{ symbols?: WireSymbolDetail[] }>('spot.symbolDetails');
    for (const detail of data?.symbols ?? []) {
      try {
        const inst = new Instrument(instrumentDefFromSymbol(detail));
        this.instrumentMap.set(inst.symbol, inst);
      } catch (error) {
        // one odd pair must not make the whole venue unusable
        this.logError(error);
      }
    }
    return [...this.instrumentMap.values()];
  }

  instrument(symbol: string): Instrument {
    const inst = this.instrumentMap.get(symbol);
    if (inst === undefined) {
      throw new EngineError('UNKNOWN_SYMBOL', `BitMart has no spot pair "${symbol}" (symbols look like BTC_USDT)`, { details: { symbol } });
    }
    return inst;
  }

  async subscribeMarket(symbol: string): Promise<void> {
    this.instrument(symbol);
    await this.requirePublic().subscribe(symbol);
  }

  async unsubscribeMarket(symbol: string): Promise<void> {
    await this.publicStream?.unsubscribe(symbol);
  }

  /** The local depth book of a subscribed symbol (diagnostics, tests). */
  localBook(symbol: string): ReturnType<PublicStream['book']> {
    return this.publicStream?.book(symbol);
  }

  // ---------------------------------------------------------------- account queries

  async balances(): Promise<readonly Balance[]> {
    return balancesFromWallet(await this.client.call<WireWallet>('account.spotWallet'));
  }

  async positions(): Promise<readonly Position[]> {
    return [];
  }

  async openOrders(symbol?: string): Promise<readonly VenueOrder[]> {
    if (symbol !== undefined) this.instrument(symbol);
    const list = await this.client.call<WireOrder[]>('query.openOrders', { ...(symbol === undefined ? {} : { symbol }), orderMode: 'spot', limit: 200 });
    return this.ordersOf(list);
  }

  async queryOrder(ref: OrderRef): Promise<VenueOrder | null> {
    const inst = this.instrument(ref.symbol);
    let raw: WireOrder;
    try {
      raw =
        ref.venueOrderId !== undefined
          ? await this.client.call<WireOrder>('query.order', { orderId: ref.venueOrderId })
          : await this.client.call<WireOrder>('query.clientOrder', { clientOrderId: requireClientId(ref) });
    } catch (error) {
      if (error instanceof EngineError && error.code === 'ORDER_NOT_FOUND') return null;
      throw error;
    }
    if (raw?.symbol !== undefined && raw.symbol !== inst.symbol) return null;
    return orderFromWire(raw, inst);
  }

  async fills(query: FillQuery): Promise<readonly Fill[]> {
    const inst = this.instrument(query.symbol);
    const since = query.since ?? 0;
    const list = await this.client.call<WireTrade[]>('query.trades', {
      symbol: inst.symbol,
      orderMode: 'spot',
      // without a time range the venue returns the last 7 days only (§8.10)
      ...(since > 0 ? { startTime: since } : {}),
      limit: Math.min(200, Math.max(1, query.limit ?? 200)),
    });
    const now = this.clock.now();
    return (Array.isArray(list) ? list : [])
      .map((t) => fillFromWire(t, inst, now))
      .filter((f) => f.venueTime >= since)
      .sort(compareFills);
  }

  async feeRates(symbol: string): Promise<FeeRates> {
    this.instrument(symbol);
    const d = await this.client.call<Record<string, string | undefined>>('account.tradeFee', { symbol });
    const rate = (a: string | undefined, b: string | undefined): bigint => fx.max(fx.parse(a ?? '0'), fx.parse(b ?? '0'));
    return { maker: rate(d?.buy_maker_fee_rate, d?.sell_maker_fee_rate), taker: rate(d?.buy_taker_fee_rate, d?.sell_taker_fee_rate) };
  }

  /** REST ticker (not real time, §8.24): last, best bid and ask in ticks. */
  async ticker(symbol: string): Promise<{ lastTicks: number | undefined; bidTicks: number | undefined; askTicks: number | undefined; venueTime: number }> {
    const inst = this.instrument(symbol);
    const t = await this.client.call<Record<string, string | undefined>>('market.ticker', { symbol });
    const px = (p: string | undefined): number | undefined => (p === undefined || fx.parse(p) === 0n ? undefined : inst.priceToTicks(p));
    return { lastTicks: px(t?.last), bidTicks: px(t?.bid_px), askTicks: px(t?.ask_px), venueTime: Number(t?.ts ?? this.clock.now()) };
  }

  /** REST depth snapshot (at most 50 levels, no sequence number): for display and checks, not for the live book. */
  async restBook(symbol: string, depth = 35): Promise<BookSnapshot> {
    const inst = this.instrument(symbol);
    const d = await this.client.call<{ ts?: string; bids?: [string, string][]; asks?: [string, string][] }>('market.books', { symbol, limit: Math.min(50, Math.max(1, depth)) });
    const levels = (list: [string, string][] | undefined): { priceTicks: number; qtyLots: number }[] =>
      (list ?? []).map(([p, q]) => ({ priceTicks: inst.priceToTicks(p), qtyLots: inst.qtyToLots(q) }));
    return { symbol, bids: levels(d?.bids), asks: levels(d?.asks), sequence: 0, venueTime: Number(d?.ts ?? this.clock.now()), receivedAt: this.clock.now() };
  }

  /** Finished orders (filled, canceled), newest first; without `since`, the last 7 days. */
  async historyOrders(symbol: string, since?: number): Promise<readonly VenueOrder[]> {
    this.instrument(symbol);
    const list = await this.client.call<WireOrder[]>('query.historyOrders', { symbol, orderMode: 'spot', ...(since === undefined ? {} : { startTime: since }), limit: 200 });
    return this.ordersOf(list);
  }

  async marginSummary(): Promise<MarginSummary | null> {
    return null;
  }

  // ---------------------------------------------------------------- order entry

  placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> {
    return this.entry.place(requests);
  }

  async amendOrder(request: AmendRequest): Promise<AmendResult> {
    return {
      ok: false,
      outcome: 'rejected',
      error: new EngineError('NOT_SUPPORTED', `BitMart spot cannot amend orders; cancel ${request.clientOrderId} and place a new one`),
    };
  }

  cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    return this.entry.cancel(requests);
  }

  /** Paced: BitMart allows one cancel-all per 3 s per account; a second one waits (or is refused). */
  async cancelAll(symbol: string): Promise<void> {
    this.instrument(symbol);
    await this.budget.cancelAll.run(
      symbol,
      async () => {
        this.tracker.noteCancelAll(symbol);
        await this.client.call('order.cancelAll', { symbol });
      },
      this.options.cancelAllPacing ?? 'wait',
    );
  }

  async setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void> {
    this.instrument(symbol);
    if (!this.connected && timeoutMs > 0) throw new EngineError('ILLEGAL_STATE', 'the BitMart adapter is not connected; call connect() before arming the dead-man switch');
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new EngineError('INVALID_ARGUMENT', `dead-man switch timeout must be 0 (off) or a positive number of ms, got ${timeoutMs}`);
    }
    this.watchdog.arm(symbol, timeoutMs);
  }

  /** BitMart sets STP per order; this becomes the mode sent with orders that name none. */
  async setAccountStp(mode: StpMode): Promise<void> {
    this.stpMode = mode;
  }

  async setLeverage(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', 'leverage applies to perpetual markets; this is BitMart spot');
  }

  async setMarginType(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', 'margin type applies to perpetual markets; this is BitMart spot');
  }

  // ---------------------------------------------------------------- internals

  private requirePublic(): PublicStream {
    if (this.publicStream === undefined || !this.connected) throw new EngineError('ILLEGAL_STATE', 'the BitMart adapter is not connected; call connect() first');
    return this.publicStream;
  }

  private ordersOf(list: unknown): VenueOrder[] {
    const out: VenueOrder[] = [];
    for (const raw of Array.isArray(list) ? (list as WireOrder[]) : []) {
      const inst = this.instrumentMap.get(raw.symbol ?? '');
      if (inst !== undefined) out.push(orderFromWire(raw, inst));
    }
    return out;
  }

  private async orderFills(symbol: string, orderId: string): Promise<readonly Fill[]> {
    const inst = this.instrument(symbol);
    const list = await this.client.call<WireTrade[]>('query.orderTrades', { orderId });
    const now = this.clock.now();
    return (Array.isArray(list) ? list : []).map((t) => fillFromWire(t, inst, now));
  }

  private onWatchdog(event: WatchdogFired): void {
    const now = this.clock.now();
    const failed = event.error !== undefined;
    this.events.emit('risk', {
      kind: DEAD_MAN_SWITCH_KIND,
      symbol: event.symbol,
      message: failed
        ? `dead-man switch on ${event.symbol} expired (not refreshed within ${event.timeoutMs} ms) but cancelling all orders failed (attempt ${event.attempt}); retrying`
        : `dead-man switch on ${event.symbol} expired (not refreshed within ${event.timeoutMs} ms): all orders on the symbol were cancelled`,
      details: {
        timeoutMs: event.timeoutMs,
        attempt: event.attempt,
        emulated: true,
        ...(failed ? { error: event.error instanceof Error ? event.error.message : String(event.error) } : {}),
      },
      venueTime: now,
      receivedAt: now,
    });
  }

  private logError(error: unknown): void {
    const e = toEngineError(error, 'VENUE_ERROR');
    if (this.options.onError !== undefined) this.options.onError(e);
    else process.emitWarning(`bitmart adapter: ${e.message}`);
  }
}

function requireClientId(ref: OrderRef): string {
  if (ref.clientOrderId === undefined) throw new EngineError('INVALID_ARGUMENT', 'queryOrder needs a client order id or a venue order id');
  return ref.clientOrderId;
}
