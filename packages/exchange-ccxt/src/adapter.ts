// CcxtSpotAdapter: the venue port for a spot market of any exchange ccxt supports (intended:
// MEXC, Gate, KuCoin; tested against the Aster spot protocol). ccxt is loaded on the first
// connect() only. REST for reference data, queries and order entry; ccxt.pro websockets for
// books, trades, orders and fills, with REST polling while a stream is down or missing.
// No third-party fee, broker or referral parameter ever leaves (fee-guard.ts).
import { EngineError, EventBus, Instrument, fx, outcomeError, toEngineError } from '@mm/core';
import type { AmendRequest, Balance, CancelRequest, Clock, Fill, MarginSummary, OrderRequest, Position, Rng, StpMode, VenueOrder } from '@mm/core';
import { compareFills } from '@mm/exchange';
import type { AmendResult, CancelResult, FeeRates, FillQuery, OrderRef, PlaceResult, Priority, VenueAdapter, VenueCapabilities, VenueEvents } from '@mm/exchange';
import { loadCcxt } from './ccxt-loader.ts';
import type { CcxtExchange, CcxtModule, CcxtOrder, CcxtTrade } from './ccxt-types.ts';
import { balancesFromCcxt, fillFromCcxt, orderFromCcxt } from './convert.ts';
import { decimalText } from './decimal.ts';
import { classify, errorChain, factsOf, toVenueError } from './errors.ts';
import { ExchangeHooks } from './exchange-hooks.ts';
import type { StreamTag } from './exchange-hooks.ts';
import { checkCredentials, checkExchangeId, createExchange, credentialId, hasPlainWs } from './exchange-config.ts';
import type { CcxtCredentials, CcxtUrls } from './exchange-config.ts';
import { FeeGuard } from './fee-guard.ts';
import { MarketStream } from './market-stream.ts';
import { OrderEntry } from './order-entry.ts';
import { OrderTracker } from './order-tracker.ts';
import { instrumentDefFromMarket, isListedSpot } from './precision.ts';
import { PrivateStream } from './private-stream.ts';
import { profileFor } from './profiles.ts';
import type { VenueProfile } from './profiles.ts';
import { acquireShared, releaseShared } from './shared-account.ts';
import type { SharedAccount } from './shared-account.ts';
import { StreamHealth } from './stream-health.ts';

export interface CcxtSpotAdapterOptions {
  /** ccxt's exchange id, e.g. 'mexc', 'gate', 'kucoin', 'binance', 'aster'. */
  readonly exchangeId: string;
  readonly credentials: CcxtCredentials;
  /** REST and websocket URL overrides (a mock or a testnet), merged into ccxt's `urls.api`. */
  readonly urls?: CcxtUrls;
  /** ccxt's sandbox (testnet) URLs, where the venue has them. */
  readonly sandbox?: boolean;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly accountKey?: string;
  /** Milliseconds per request of cost 1; default ccxt's. Slower only, except against a local mock. */
  readonly rateLimitMs?: number;
  readonly requestTimeoutMs?: number;
  /** Extra ccxt options; the no-third-party-fee options always win. */
  readonly ccxtOptions?: Readonly<Record<string, unknown>>;
  /** REST polling interval for orders and fills while the private stream is down. Default 2 s. */
  readonly pollIntervalMs?: number;
  /** REST book polling interval while the market stream is down. Default 1 s. */
  readonly bookPollMs?: number;
  readonly bookDepth?: number;
  readonly reconnectBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** How long connect() waits for the private stream before carrying on with polling. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** How long a fill of an unknown order waits for our own submit's answer before asking the venue. Default 1 s. */
  readonly bindGraceMs?: number;
  /** STP for orders that name none, where the venue has per-order STP. Default expire_taker. */
  readonly defaultStpMode?: StpMode;
  /** Problems the adapter survives (a malformed update, a failed poll). Default: a process warning. */
  readonly onError?: (error: EngineError) => void;
  /** Loads ccxt (tests pass a scripted fake). Default: the lazy import of the real package. */
  readonly loadCcxt?: () => Promise<CcxtModule>;
  /** Public market data only (the recorder): no credentials needed, no private stream; account and order calls fail at the venue. */
  readonly marketDataOnly?: boolean;
}

const PRIORITY_QUERY: Priority = 'normal';

export class CcxtSpotAdapter implements VenueAdapter {
  readonly accountKey: string;
  readonly events = new EventBus<VenueEvents>();
  readonly exchangeId: string;
  readonly profile: VenueProfile;

  private readonly o: CcxtSpotAdapterOptions;
  private readonly clock: Clock;
  private readonly hooks: ExchangeHooks;
  private readonly tracker: OrderTracker;
  private readonly instrumentMap = new Map<string, Instrument>();
  private readonly idToSymbol = new Map<string, string>();
  private readonly resolving = new Map<string, Promise<string>>();
  private readonly sharedKey: string;
  private ex: CcxtExchange | undefined;
  private entry: OrderEntry | undefined;
  private shared: SharedAccount | undefined;
  private privateHealth: StreamHealth | undefined;
  private marketHealth: StreamHealth | undefined;
  private privateStream: PrivateStream | undefined;
  private marketStream: MarketStream | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private caps: VenueCapabilities;
  private stpMode: StpMode;
  private lastPollAt: number | undefined;
  private readonly outageSymbols = new Set<string>();

  constructor(options: CcxtSpotAdapterOptions) {
    checkExchangeId(options.exchangeId);
    this.o = options;
    this.clock = options.clock;
    this.hooks = new ExchangeHooks(options.clock);
    this.exchangeId = options.exchangeId;
    this.profile = profileFor(options.exchangeId);
    const id = credentialId(options.credentials);
    this.accountKey = options.accountKey ?? `ccxt-${options.exchangeId}:${id}:spot`;
    this.sharedKey = `${options.exchangeId}|${id}|${options.sandbox === true}|${JSON.stringify(options.urls ?? {})}`;
    this.stpMode = options.defaultStpMode ?? 'expire_taker';
    this.caps = this.capabilitiesFrom(undefined);
    this.tracker = new OrderTracker({ emitOrder: (order) => this.events.emit('order', order), emitFill: (fill) => this.events.emit('fill', fill) });
  }

  get capabilities(): VenueCapabilities {
    return this.caps;
  }

  // ---------------------------------------------------------------- lifecycle

  connect(): Promise<void> {
    this.connecting ??= this.doConnect().catch(async (error: unknown) => {
      await this.teardown();
      this.connecting = undefined;
      throw error instanceof EngineError ? error : toVenueError(error, this.exchangeId);
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    this.closed = false;
    const ccxt = await (this.o.loadCcxt ?? loadCcxt)();
    const ex = createExchange(ccxt, { ...this.o }, this.profile);
    if (this.o.marketDataOnly !== true) checkCredentials(ex, this.exchangeId);
    this.shared = acquireShared(this.sharedKey, this.clock, `${this.exchangeId} account ${this.accountKey}`);
    if (this.shared.throttler === undefined) this.shared.throttler = ex.throttler;
    else ex.throttler = this.shared.throttler;
    const guard = new FeeGuard({
      venue: this.exchangeId,
      submittingClientIds: () => this.hooks.submittingClientIds(),
      ...(this.profile.forbiddenParams === undefined ? {} : { extraForbidden: this.profile.forbiddenParams }),
      ...(this.profile.clientIdPrefix === undefined ? {} : { clientIdPrefix: this.profile.clientIdPrefix }),
    });
    this.hooks.install(ex, guard, {
      onSocketOpen: (tags) => this.onSocket(tags, true, ''),
      onSocketClose: (tags, _url, reason) => this.onSocket(tags, false, reason),
      onStreamOrder: (order) => this.onStreamOrder(order),
      onStreamTrade: (trade) => this.deliverTrade(trade, 'stream'),
    });
    this.ex = ex;
    // ccxt refuses ws:// (a local mock) until its proxy agent module is loaded
    if (hasPlainWs(this.o.urls)) await ex.loadHttpProxyAgent?.();
    await this.instruments();
    this.caps = this.capabilitiesFrom(ex);
    this.entry = new OrderEntry({
      ex,
      hooks: this.hooks,
      tracker: this.tracker,
      profile: this.profile,
      venue: this.exchangeId,
      clock: this.clock,
      instrument: (symbol) => this.instrument(symbol),
      call: (priority, fn) => this.call(priority, fn),
      batchMax: () => this.caps.maxBatchPlace,
      maxClientIdLength: () => this.caps.maxClientOrderIdLength,
      defaultStp: () => (this.caps.stpModes.length > 0 ? this.stpMode : 'none'),
      clientIdOf: (order) => this.clientIdOfOrder(order),
    });
    this.startStreams(ex);
    if (this.o.marketDataOnly !== true) await this.waitPrivate();
  }

  private startStreams(ex: CcxtExchange): void {
    const backoff = { initialMs: this.o.reconnectBackoff?.initialMs ?? 250, maxMs: this.o.reconnectBackoff?.maxMs ?? 10_000 };
    const rng = this.o.rng.fork('ccxt-streams');
    const emit = (event: VenueEvents['connection']): void => this.events.emit('connection', event);
    this.privateHealth = new StreamHealth('private', this.clock, emit, {
      onDown: () => {
        for (const symbol of this.tracker.liveSymbols()) this.outageSymbols.add(symbol);
        this.privateStream?.onDown();
      },
      onUp: (downSince) => this.privateStream?.onUp(downSince !== undefined),
    });
    this.marketHealth = new StreamHealth('market', this.clock, emit, { onDown: () => this.marketStream?.onDown(), onUp: () => this.marketStream?.onUp() });
    this.privateStream = new PrivateStream({
      ex,
      hooks: this.hooks,
      health: this.privateHealth,
      clock: this.clock,
      rng,
      backoff,
      pollIntervalMs: this.o.pollIntervalMs ?? 2_000,
      poll: () => this.pollPrivate(),
      onReturnedOrders: (orders) => orders.forEach((order) => this.onStreamOrder(order)),
      onReturnedTrades: (trades) => trades.forEach((trade) => this.deliverTrade(trade, 'rest')),
      onError: (error) => this.logError(error),
    });
    this.marketStream = new MarketStream({
      ex,
      hooks: this.hooks,
      health: this.marketHealth,
      clock: this.clock,
      rng,
      backoff,
      bookDepth: this.o.bookDepth ?? 20,
      bookPollMs: this.o.bookPollMs ?? 1_000,
      rest: (fn) => this.call('low', fn),
      emitBook: (book) => this.events.emit('book', book),
      emitTrade: (trade) => this.events.emit('trade', trade),
      onError: (error) => this.logError(error),
    });
    if (this.o.marketDataOnly !== true) this.privateStream.start();
  }

  /** Waits for the private stream; without it tracking still works by polling, so this only warns. */
  private async waitPrivate(): Promise<void> {
    const stream = this.privateStream!;
    if (!stream.isStreaming) {
      this.events.emit('connection', { stream: 'private', state: 'connected', reason: `${this.exchangeId} has no private websocket in ccxt; orders and fills are polled over REST`, at: this.clock.now() });
      return;
    }
    const deadline = this.clock.now() + (this.o.connectTimeoutMs ?? 10_000);
    while (this.privateHealth!.state !== 'up' && stream.isStreaming && this.clock.now() < deadline) await this.clock.sleep(10);
    if (this.privateHealth!.state !== 'up') {
      this.logError(new EngineError('NETWORK', `${this.exchangeId}: the private stream did not open within the connect timeout; tracking orders and fills by REST polling until it does`));
      this.privateStream!.onDown();
    }
  }

  async close(): Promise<void> {
    await this.teardown();
    this.connecting = undefined;
  }

  private async teardown(): Promise<void> {
    this.closed = true;
    this.privateStream?.close();
    this.marketStream?.close();
    this.privateStream = undefined;
    this.marketStream = undefined;
    const ex = this.ex;
    this.ex = undefined;
    if (ex !== undefined) {
      try {
        await ex.close();
      } catch (error) {
        this.logError(error);
      }
    }
    this.hooks.dispose();
    if (this.shared !== undefined) releaseShared(this.sharedKey);
    this.shared = undefined;
  }

  private onSocket(tags: ReadonlySet<StreamTag>, open: boolean, reason: string): void {
    if (this.closed) return;
    for (const tag of tags) {
      const health = tag === 'private' ? this.privateHealth : this.marketHealth;
      if (open) health?.opened();
      else health?.closed(reason);
    }
  }

  // ---------------------------------------------------------------- reference data

  async serverTime(): Promise<number> {
    const ex = this.requireEx();
    if (ex.has['fetchTime'] !== true) return this.clock.now();
    const t = await this.call(PRIORITY_QUERY, () => ex.fetchTime());
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new EngineError('VENUE_ERROR', `${this.exchangeId} answered the time request without a time`);
    return t;
  }

  async instruments(): Promise<readonly Instrument[]> {
    const ex = this.requireEx();
    const markets = await this.call(PRIORITY_QUERY, () => ex.loadMarkets(true));
    for (const market of Object.values(markets)) {
      if (!isListedSpot(market)) continue;
      try {
        const inst = new Instrument(instrumentDefFromMarket(market, ex.precisionMode));
        this.instrumentMap.set(inst.symbol, inst);
        this.idToSymbol.set(market.id, inst.symbol);
      } catch (error) {
        // one odd market must not make the venue unusable
        this.logError(error);
      }
    }
    return [...this.instrumentMap.values()];
  }

  instrument(symbol: string): Instrument {
    const inst = this.instrumentMap.get(symbol);
    if (inst !== undefined) return inst;
    const unified = this.idToSymbol.get(symbol);
    throw new EngineError(
      'UNKNOWN_SYMBOL',
      unified !== undefined
        ? `${this.exchangeId}: "${symbol}" is the venue's id; use ccxt's unified symbol "${unified}"`
        : `${this.exchangeId} has no spot market "${symbol}" (symbols are ccxt's unified form, e.g. BTC/USDT)`,
      { details: { symbol } },
    );
  }

  async subscribeMarket(symbol: string): Promise<void> {
    const inst = this.instrument(symbol);
    this.requireConnected();
    const first = this.marketStream!.subscribe(inst);
    // the first book means the subscriptions are live, so nothing after this call is missed
    const timeoutMs = this.o.connectTimeoutMs ?? 10_000;
    const deadline = this.clock.now() + timeoutMs;
    let done = false;
    void first.then(() => {
      done = true;
    });
    while (!done && !this.closed && this.clock.now() < deadline) await this.clock.sleep(10);
    if (!done) this.logError(new EngineError('NETWORK', `${this.exchangeId}: no book for ${symbol} within ${timeoutMs} ms; it will be published when the stream (or REST polling) delivers one`));
  }

  async unsubscribeMarket(symbol: string): Promise<void> {
    await this.marketStream?.unsubscribe(symbol);
  }

  // ---------------------------------------------------------------- account queries

  async balances(): Promise<readonly Balance[]> {
    const ex = this.requireEx();
    return balancesFromCcxt(await this.call(PRIORITY_QUERY, () => ex.fetchBalance()));
  }

  async positions(): Promise<readonly Position[]> {
    return [];
  }

  async openOrders(symbol?: string): Promise<readonly VenueOrder[]> {
    const ex = this.requireEx();
    const symbols = symbol !== undefined ? [this.instrument(symbol).symbol] : undefined;
    let raw: CcxtOrder[] = [];
    if (symbols === undefined) {
      try {
        raw = await this.call(PRIORITY_QUERY, () => ex.fetchOpenOrders());
      } catch (error) {
        // venues that list open orders per symbol only
        if (!errorChain(error).has('ArgumentsRequired')) throw toVenueError(error, this.exchangeId);
        for (const s of this.tracker.liveSymbols()) raw.push(...(await this.call(PRIORITY_QUERY, () => ex.fetchOpenOrders(s))));
      }
    } else {
      raw = await this.call(PRIORITY_QUERY, () => ex.fetchOpenOrders(symbols[0]));
    }
    const out: VenueOrder[] = [];
    for (const o of raw) {
      const order = this.convertOrder(o);
      if (order !== undefined && (order.status === 'open' || order.status === 'partially_filled')) out.push(order);
    }
    return out;
  }

  async queryOrder(ref: OrderRef): Promise<VenueOrder | null> {
    const ex = this.requireEx();
    const inst = this.instrument(ref.symbol);
    const venueId = ref.venueOrderId ?? (ref.clientOrderId === undefined ? undefined : this.tracker.venueIdOf(ref.clientOrderId));
    if (venueId === undefined && ref.clientOrderId === undefined) throw new EngineError('INVALID_ARGUMENT', 'queryOrder needs a client order id or a venue order id');
    let raw: CcxtOrder;
    try {
      raw = await this.call(PRIORITY_QUERY, () =>
        venueId !== undefined ? ex.fetchOrder(venueId, inst.symbol) : ex.fetchOrder(undefined, inst.symbol, { clientOrderId: ref.clientOrderId }),
      );
    } catch (error) {
      const c = classify(error, 'query', this.exchangeId);
      if (c.error.code === 'ORDER_NOT_FOUND') return null;
      throw c.error;
    }
    const order = orderFromCcxt(raw, inst, { clientOrderId: this.clientIdOfOrder(raw) || (ref.clientOrderId ?? ''), now: this.clock.now() });
    if (order.clientOrderId !== '') this.tracker.bind(order.clientOrderId, order.symbol, order.venueOrderId);
    if (order.clientOrderId !== '' && this.tracker.isKnown(order.clientOrderId)) this.tracker.onOrder(order);
    return order;
  }

  async fills(query: FillQuery): Promise<readonly Fill[]> {
    const ex = this.requireEx();
    const inst = this.instrument(query.symbol);
    const since = query.since ?? 0;
    const raw = await this.call(PRIORITY_QUERY, () => ex.fetchMyTrades(inst.symbol, since > 0 ? since : undefined, query.limit));
    const now = this.clock.now();
    const out: Fill[] = [];
    for (const t of raw) {
      if (t.symbol !== inst.symbol) continue;
      const clientId = await this.resolveClientId(inst.symbol, String(t.order ?? ''), 0);
      out.push(fillFromCcxt(t, inst, clientId, now));
    }
    let list = out.filter((f) => f.venueTime >= since).sort(compareFills);
    if (query.afterTradeId !== undefined) {
      // venues page by time through ccxt; after a trade id is applied here
      const at = list.findIndex((f) => f.tradeId === query.afterTradeId);
      if (at >= 0) list = list.slice(at + 1);
    }
    return list;
  }

  async feeRates(symbol: string): Promise<FeeRates> {
    const ex = this.requireEx();
    const inst = this.instrument(symbol);
    const market = ex.markets?.[inst.symbol];
    let maker = market?.maker;
    let taker = market?.taker;
    if (ex.has['fetchTradingFee'] === true) {
      const fee = await this.call(PRIORITY_QUERY, () => ex.fetchTradingFee(inst.symbol));
      maker = fee.maker ?? maker;
      taker = fee.taker ?? taker;
    }
    const rate = (v: typeof maker, what: string): bigint => fx.parse(decimalText(v, `${symbol} ${what} fee rate`) ?? '0');
    return { maker: rate(maker, 'maker'), taker: rate(taker, 'taker') };
  }

  async marginSummary(): Promise<MarginSummary | null> {
    return null;
  }

  // ---------------------------------------------------------------- order entry

  async placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> {
    const entry = this.entry;
    if (entry === undefined || this.closed) {
      const error = this.notConnected();
      return requests.map((r) => ({ ok: false, outcome: 'rejected', clientOrderId: r.clientOrderId, error }));
    }
    if (this.privateHealth?.state === 'down') for (const r of requests) this.outageSymbols.add(r.symbol);
    return entry.place(requests);
  }

  async amendOrder(request: AmendRequest): Promise<AmendResult> {
    return {
      ok: false,
      outcome: 'rejected',
      error: outcomeError('NOT_SUPPORTED', `${this.exchangeId} through ccxt cannot amend in place (ccxt's editOrder is cancel-and-replace on most spot venues); cancel ${request.clientOrderId} and place a new order`),
    };
  }

  async cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    if (this.entry === undefined) {
      const error = this.notConnected();
      return requests.map(() => ({ ok: false, outcome: 'rejected', error }));
    }
    return this.entry.cancel(requests);
  }

  async cancelAll(symbol: string): Promise<void> {
    const ex = this.requireEx();
    const inst = this.instrument(symbol);
    try {
      if (ex.has['cancelAllOrders'] === true) {
        await this.call('critical', () => ex.cancelAllOrders(inst.symbol));
        return;
      }
    } catch (error) {
      throw toVenueError(error, this.exchangeId);
    }
    const open = await this.openOrders(inst.symbol);
    const results = await this.cancelOrders(open.map((o) => ({ symbol: inst.symbol, venueOrderId: o.venueOrderId })));
    const failed = results.find((r) => !r.ok && r.error.code !== 'ORDER_NOT_FOUND');
    if (failed !== undefined && !failed.ok) throw failed.error;
  }

  async setDeadManSwitch(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', `${this.exchangeId} through ccxt has no per-symbol dead-man switch; the engine must cancel on its own shutdown`);
  }

  /** Per-order STP on venues where the profile has it: the mode sent with orders that name none. */
  async setAccountStp(mode: StpMode): Promise<void> {
    this.stpMode = mode;
  }

  async setLeverage(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', `leverage applies to perpetual markets; this is ${this.exchangeId} spot`);
  }

  async setMarginType(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', `margin type applies to perpetual markets; this is ${this.exchangeId} spot`);
  }

  // ---------------------------------------------------------------- internals

  private capabilitiesFrom(ex: CcxtExchange | undefined): VenueCapabilities {
    const spot = (ex?.features?.['spot'] ?? {}) as { createOrder?: { timeInForce?: Record<string, unknown> }; createOrders?: { max?: unknown } };
    const tif = spot.createOrder?.timeInForce ?? {};
    const batch = typeof spot.createOrders?.max === 'number' && ex?.has['createOrders'] === true ? spot.createOrders.max : 1;
    return {
      venue: `ccxt-${this.exchangeId}`,
      market: 'spot',
      postOnly: tif['PO'] !== false,
      fok: tif['FOK'] === true,
      stpModes: Object.keys(this.profile.stp) as VenueCapabilities['stpModes'],
      maxBatchPlace: Math.max(1, batch),
      maxBatchCancel: 1,
      amend: false,
      deadManSwitch: false,
      cancelAllMinIntervalMs: 0,
      maxClientOrderIdLength: Math.min(32, this.profile.maxClientOrderIdLength),
      fillsFromTradeId: false,
    };
  }

  /** Every REST call: held during a 429 pause, refused during a ban, cancels first. */
  private async call<T>(priority: Priority, fn: () => Promise<T>): Promise<T> {
    const shared = this.shared;
    if (shared === undefined) throw this.notConnected();
    await shared.limiter.acquire({}, priority);
    try {
      return await fn();
    } catch (error) {
      const chain = errorChain(error);
      const facts = factsOf(error);
      if (facts.httpStatus === 418) shared.limiter.onBanned(this.clock.now() + (facts.retryAfterMs ?? 120_000));
      else if (chain.has('RateLimitExceeded') || chain.has('DDoSProtection') || facts.httpStatus === 429) shared.limiter.onRateLimited(facts.retryAfterMs);
      throw error;
    }
  }

  private notConnected(): EngineError {
    return new EngineError('ILLEGAL_STATE', `the ${this.exchangeId} adapter is not connected; call connect() first`);
  }

  private requireEx(): CcxtExchange {
    if (this.ex === undefined || this.closed) throw this.notConnected();
    return this.ex;
  }

  private requireConnected(): void {
    if (this.marketStream === undefined || this.closed) throw this.notConnected();
  }

  private clientIdOfOrder(order: CcxtOrder): string {
    const raw = order.clientOrderId ?? '';
    const prefix = this.profile.clientIdPrefix;
    const id = prefix !== undefined && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    if (id !== '') return id;
    return this.tracker.clientIdOf(order.symbol, String(order.id)) ?? '';
  }

  private convertOrder(raw: CcxtOrder): VenueOrder | undefined {
    const inst = this.instrumentMap.get(raw.symbol);
    if (inst === undefined) return undefined;
    try {
      return orderFromCcxt(raw, inst, { clientOrderId: this.clientIdOfOrder(raw), now: this.clock.now() });
    } catch (error) {
      this.logError(error);
      return undefined;
    }
  }

  private onStreamOrder(raw: CcxtOrder): void {
    if (this.closed) return;
    const order = this.convertOrder(raw);
    if (order !== undefined) this.tracker.onOrder(order);
  }

  /** A trade of ours: attributed to its client id (waiting briefly for our own submit's answer), then passed on. */
  private deliverTrade(trade: CcxtTrade, source: 'stream' | 'rest'): void {
    if (this.closed) return;
    const inst = this.instrumentMap.get(trade.symbol);
    if (inst === undefined) return;
    const venueId = String(trade.order ?? '');
    const emit = (clientId: string): void => {
      try {
        const fill = fillFromCcxt(trade, inst, clientId, this.clock.now());
        if (source === 'stream') this.tracker.onStreamFill(fill);
        else this.tracker.onPolledFill(fill);
      } catch (error) {
        this.logError(error);
      }
    };
    const known = venueId === '' ? '' : this.tracker.clientIdOf(inst.symbol, venueId);
    if (known !== undefined) emit(known);
    else void this.resolveClientId(inst.symbol, venueId, this.o.bindGraceMs ?? 1_000).then(emit, (error: unknown) => this.logError(error));
  }

  /** The client id of a venue order: from the index, after a grace for an answer in flight, else from the venue. */
  private resolveClientId(symbol: string, venueId: string, graceMs: number): Promise<string> {
    if (venueId === '') return Promise.resolve('');
    const known = this.tracker.clientIdOf(symbol, venueId);
    if (known !== undefined) return Promise.resolve(known);
    const key = `${symbol}|${venueId}`;
    let pending = this.resolving.get(key);
    if (pending === undefined) {
      pending = (async () => {
        const until = this.clock.now() + graceMs;
        while (this.clock.now() < until) {
          await this.clock.sleep(20);
          const id = this.tracker.clientIdOf(symbol, venueId);
          if (id !== undefined) return id;
        }
        const ex = this.requireEx();
        try {
          const raw = await this.call(PRIORITY_QUERY, () => ex.fetchOrder(venueId, symbol));
          const id = this.clientIdOfOrder(raw);
          if (id !== '') this.tracker.bind(id, symbol, venueId);
          return id;
        } catch (error) {
          this.logError(error);
          return '';
        }
      })().finally(() => this.resolving.delete(key));
      this.resolving.set(key, pending);
    }
    return pending;
  }

  /** One REST pass over the orders that may have changed while the private stream was down. */
  private async pollPrivate(): Promise<void> {
    const ex = this.ex;
    if (ex === undefined || this.closed) return;
    const now = this.clock.now();
    // trades from a little before the outage (or the last pass), for clock differences
    const since = Math.min(this.privateHealth?.outageSince ?? now, this.lastPollAt ?? now) - 10_000;
    const symbols = new Set([...this.tracker.liveSymbols(), ...this.outageSymbols]);
    for (const symbol of symbols) {
      const open = await this.call('low', () => ex.fetchOpenOrders(symbol));
      const openIds = new Set<string>();
      for (const raw of open) {
        openIds.add(String(raw.id));
        this.onStreamOrder(raw);
      }
      for (const live of this.tracker.liveOrders(symbol)) {
        if (live.venueOrderId !== undefined && openIds.has(live.venueOrderId)) continue;
        await this.queryOrder({ symbol, clientOrderId: live.clientOrderId, ...(live.venueOrderId === undefined ? {} : { venueOrderId: live.venueOrderId }) });
      }
      const trades = await this.call('low', () => ex.fetchMyTrades(symbol, since));
      for (const t of trades) this.deliverTrade(t, 'rest');
    }
    this.lastPollAt = now;
    if (this.privateHealth?.state === 'up') this.outageSymbols.clear();
  }

  private logError(error: unknown): void {
    const e = toEngineError(error, 'VENUE_ERROR');
    if (this.o.onError !== undefined) this.o.onError(e);
    else process.emitWarning(`ccxt ${this.exchangeId} adapter: ${e.message}`);
  }
}
