// What the Asterdex perp and spot adapters share: configuration, the REST client, the market
// and user streams, instruments, order placement and cancellation through the endpoint
// table, order queries and fill history. Market-specific parts (batches, balances, positions,
// perps settings) live in the subclasses.
import { createHash } from 'node:crypto';
import { EngineError, EventBus, Instrument, fx } from '@mm/core';
import type { AmendRequest, Balance, CancelRequest, Clock, Fill, Fixed, MarginSummary, MarginType, OrderRequest, Position, Rng, StpMode, VenueOrder } from '@mm/core';
import type {
  AmendResult,
  CancelResult,
  FeeRates,
  FillQuery,
  OrderRef,
  PlaceResult,
  RateLimiter,
  VenueAdapter,
  VenueCapabilities,
  VenueEvents,
} from '@mm/exchange';
import { AsterApi } from './api.ts';
import { AsterRestClient } from './client.ts';
import { isV1Credentials } from './config.ts';
import type { AsterCredentials, AsterFamily, AsterNetwork, AsterUrls } from './config.ts';
import { toFill, toInstrumentDef, toVenueOrder } from './convert.ts';
import { MarketStream } from './market-stream.ts';
import type { BookTicker } from './market-stream.ts';
import { OrderCache } from './order-cache.ts';
import { changeFailed, checkRequest, failed, orderParams, placed } from './order-entry.ts';
import { handlePrivateEvent } from './private-events.ts';
import type { PrivateContext } from './private-events.ts';
import { UserStream } from './user-stream.ts';

/** Stream tuning; the defaults suit production, tests shorten them. */
export interface AsterStreamOptions {
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** Planned reconnect before the venue's 24 h cut-off. */
  readonly maxLifetimeMs?: number;
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** listenKey keepalive (≤ 30 min recommended; the key lives 60). */
  readonly keepaliveMs?: number;
  readonly resyncRetryMs?: number;
  readonly bookDepth?: number;
  readonly snapshotLimit?: number;
  /** DELETE the listenKey on close (off: other adapters on the account share the key). */
  readonly closeListenKey?: boolean;
}

export interface AsterAdapterOptions {
  readonly family: AsterFamily;
  readonly credentials: AsterCredentials;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly network?: AsterNetwork;
  /** REST and WebSocket base URLs of this account (otherwise environment variables, then the network's defaults). */
  readonly urls?: AsterUrls;
  readonly chainId?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A stable name for the account in accountKey; default derived from the user address or API key. */
  readonly accountId?: string;
  /** Share one limiter between adapters on the same IP / account. */
  readonly limiter?: RateLimiter;
  readonly recvWindowMs?: number;
  readonly timeoutMs?: number;
  readonly streams?: AsterStreamOptions;
  readonly fetch?: typeof fetch;
  /** How long connect() waits for the private stream. Default 15 s. */
  readonly connectTimeoutMs?: number;
}

export type AsterMarketKind = 'perp' | 'spot';

export abstract class AsterAdapterBase implements VenueAdapter {
  readonly accountKey: string;
  abstract readonly capabilities: VenueCapabilities;
  readonly events = new EventBus<VenueEvents>();
  readonly rest: AsterRestClient;
  /** Typed calls of the endpoint table. */
  readonly api: AsterApi;
  readonly family: AsterFamily;

  protected readonly clock: Clock;
  protected readonly options: AsterAdapterOptions;
  protected readonly orders = new OrderCache();
  protected readonly instrumentMap = new Map<string, Instrument>();
  protected readonly positionCache = new Map<string, Position>();
  protected readonly lockedCache = new Map<string, Fixed>();
  protected readonly marketStream: MarketStream;
  protected userStream: UserStream | undefined;
  private connecting: Promise<void> | undefined;
  private connected = false;

  protected constructor(
    protected readonly kind: AsterMarketKind,
    options: AsterAdapterOptions,
  ) {
    this.options = options;
    this.clock = options.clock;
    this.family = options.family;
    const market = kind === 'perp' ? 'futures' : 'spot';
    this.rest = new AsterRestClient({
      market,
      family: options.family,
      clock: options.clock,
      credentials: options.credentials,
      ...(options.network === undefined ? {} : { network: options.network }),
      ...(options.urls === undefined ? {} : { urls: options.urls }),
      ...(options.chainId === undefined ? {} : { chainId: options.chainId }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.limiter === undefined ? {} : { limiter: options.limiter }),
      ...(options.recvWindowMs === undefined ? {} : { recvWindowMs: options.recvWindowMs }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      rng: options.rng,
    });
    this.api = new AsterApi(this.rest);
    this.accountKey = `asterdex:${options.accountId ?? defaultAccountId(options.credentials)}:${kind}`;
    const s = options.streams ?? {};
    this.marketStream = new MarketStream({
      market,
      wsUrl: this.rest.connection.wsUrl,
      api: this.api,
      clock: options.clock,
      rng: options.rng.fork('market-stream'),
      events: this.events,
      instrument: (symbol) => this.instrument(symbol),
      ...pick(s, ['bookDepth', 'snapshotLimit', 'maxLifetimeMs', 'pingIntervalMs', 'pongTimeoutMs', 'backoff', 'resyncRetryMs']),
    });
    this.privateContext = this.buildPrivateContext();
  }

  // ---------------------------------------------------------------- lifecycle

  async connect(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    await this.connecting;
  }

  private async doConnect(): Promise<void> {
    await this.rest.syncTime();
    await this.instruments();
    await this.prepareAccount();
    // a connect that failed after starting the stream must not leave that stream running
    await this.userStream?.close();
    const s = this.options.streams ?? {};
    const user = new UserStream({
      market: this.kind === 'perp' ? 'futures' : 'spot',
      wsUrl: this.rest.connection.wsUrl,
      api: this.api,
      clock: this.clock,
      rng: this.options.rng.fork('user-stream'),
      events: this.events,
      onEvent: (event) => handlePrivateEvent(this.privateContext, event),
      ...pick(s, ['keepaliveMs', 'maxLifetimeMs', 'pingIntervalMs', 'pongTimeoutMs', 'backoff', 'closeListenKey']),
    });
    this.userStream = user;
    await user.start(this.options.connectTimeoutMs ?? 15_000);
    this.connected = true;
  }

  /** Account settings applied at connect (perps: one-way position mode). */
  protected async prepareAccount(): Promise<void> {}

  async close(): Promise<void> {
    this.connected = false;
    this.marketStream.close();
    const user = this.userStream;
    this.userStream = undefined;
    await user?.close();
  }

  // ---------------------------------------------------------------- reference data

  async serverTime(): Promise<number> {
    const { serverTime } = await this.api.serverTime();
    return serverTime;
  }

  async instruments(): Promise<readonly Instrument[]> {
    const info = await this.api.exchangeInfo();
    this.rest.applyRateLimits(info.rateLimits ?? []);
    const kind = this.kind;
    for (const symbol of info.symbols ?? []) {
      const def = toInstrumentDef(symbol, kind);
      if (def === undefined) continue;
      try {
        this.instrumentMap.set(def.symbol, new Instrument(def));
      } catch {
        // a symbol whose grid cannot be represented exactly is left out rather than traded wrongly
      }
    }
    return [...this.instrumentMap.values()];
  }

  instrument(symbol: string): Instrument {
    const inst = this.instrumentMap.get(symbol);
    if (inst === undefined) {
      throw new EngineError('UNKNOWN_SYMBOL', `${symbol} is not a ${this.kind} market on Asterdex (or instruments are not loaded yet)`, { details: { symbol } });
    }
    return inst;
  }

  async subscribeMarket(symbol: string): Promise<void> {
    this.instrument(symbol);
    await this.marketStream.subscribe(symbol);
  }

  async unsubscribeMarket(symbol: string): Promise<void> {
    this.marketStream.unsubscribe(symbol);
  }

  /** The latest best bid/ask from the book-ticker stream of a subscribed symbol. */
  bookTicker(symbol: string): BookTicker | undefined {
    return this.marketStream.bookTicker(symbol);
  }

  /** The local order book of a subscribed symbol (sequence state, gap counter). */
  localBook(symbol: string) {
    return this.marketStream.book(symbol);
  }

  /** Internal streams, for fault tests and diagnostics. */
  get streams(): { readonly market: MarketStream; readonly user: UserStream | undefined } {
    return { market: this.marketStream, user: this.userStream };
  }

  // ---------------------------------------------------------------- account queries

  abstract balances(): Promise<readonly Balance[]>;
  abstract positions(symbol?: string): Promise<readonly Position[]>;
  abstract marginSummary(): Promise<MarginSummary | null>;

  async openOrders(symbol?: string): Promise<readonly VenueOrder[]> {
    const list = await this.api.openOrders(symbol);
    const now = this.clock.now();
    const out: VenueOrder[] = [];
    for (const json of list) {
      const inst = this.instrumentMap.get(json.symbol);
      if (inst === undefined) continue;
      const order = toVenueOrder(inst, json, now);
      this.orders.remember(order.venueOrderId, order.clientOrderId);
      out.push(order);
    }
    return out;
  }

  async queryOrder(ref: OrderRef): Promise<VenueOrder | null> {
    const inst = this.instrument(ref.symbol);
    if (ref.venueOrderId === undefined && ref.clientOrderId === undefined) throw new EngineError('INVALID_ARGUMENT', 'queryOrder needs a clientOrderId or a venueOrderId');
    try {
      const json = await this.api.queryOrder(
        ref.venueOrderId !== undefined ? { symbol: ref.symbol, orderId: ref.venueOrderId } : { symbol: ref.symbol, origClientOrderId: ref.clientOrderId! },
      );
      const order = toVenueOrder(inst, json, this.clock.now());
      this.orders.remember(order.venueOrderId, order.clientOrderId);
      return order;
    } catch (error) {
      if (error instanceof EngineError && error.code === 'ORDER_NOT_FOUND') return null;
      throw error;
    }
  }

  async fills(query: FillQuery): Promise<readonly Fill[]> {
    const inst = this.instrument(query.symbol);
    const limit = Math.min(query.limit ?? 1000, 1000);
    // fromId and a time window cannot be combined; fromId is inclusive
    const rows = await this.api.userTrades(
      query.afterTradeId !== undefined
        ? { symbol: query.symbol, fromId: (BigInt(query.afterTradeId) + 1n).toString(), limit }
        : query.since !== undefined
          ? { symbol: query.symbol, startTime: query.since, limit }
          : { symbol: query.symbol, limit },
    );
    const after = query.afterTradeId === undefined ? undefined : BigInt(query.afterTradeId);
    const wanted = rows.filter((r) => (after === undefined || BigInt(r.id) > after) && (query.since === undefined || r.time >= query.since));
    await this.learnClientIds(query.symbol, wanted.map((r) => String(r.orderId)));
    const now = this.clock.now();
    return wanted.map((r) => toFill(inst, r, this.orders.clientId(String(r.orderId)) ?? '', now));
  }

  /** Trade rows name only the venue order id; unknown ones are looked up (bounded). */
  private async learnClientIds(symbol: string, venueOrderIds: readonly string[]): Promise<void> {
    const unknown = [...new Set(venueOrderIds.filter((id) => this.orders.clientId(id) === undefined))].slice(0, 20);
    for (const venueOrderId of unknown) {
      try {
        await this.queryOrder({ symbol, venueOrderId });
      } catch {
        // the fill is still reported, with an empty client id
      }
    }
  }

  async feeRates(symbol: string): Promise<FeeRates> {
    this.instrument(symbol);
    const json = await this.api.commissionRate(symbol);
    return { maker: fx.parse(json.makerCommissionRate), taker: fx.parse(json.takerCommissionRate) };
  }

  // ---------------------------------------------------------------- order entry

  async placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> {
    const results: (PlaceResult | undefined)[] = new Array<PlaceResult | undefined>(requests.length);
    const valid: { index: number; request: OrderRequest; inst: Instrument }[] = [];
    requests.forEach((request, index) => {
      try {
        valid.push({ index, request, inst: checkRequest(this.instrumentMap.get(request.symbol), request, this.kind === 'perp') });
      } catch (error) {
        results[index] = failed(request, error);
      }
    });
    const size = Math.max(1, this.capabilities.maxBatchPlace);
    for (let i = 0; i < valid.length; i += size) {
      const chunk = valid.slice(i, i + size);
      const out = chunk.length === 1 ? [await this.placeSingle(chunk[0]!.inst, chunk[0]!.request)] : await this.placeBatch(chunk);
      chunk.forEach((item, k) => {
        const result = out[k]!;
        if (result.ok) this.orders.remember(result.order.venueOrderId, result.order.clientOrderId);
        results[item.index] = result;
      });
    }
    return results as PlaceResult[];
  }

  protected async placeSingle(inst: Instrument, request: OrderRequest): Promise<PlaceResult> {
    try {
      const json = await this.api.newOrder(orderParams(inst, request, this.orderParamOptions()));
      return placed(inst, request, json, this.clock.now());
    } catch (error) {
      return failed(request, error);
    }
  }

  /** Several orders at once; the default sends them one by one (spot has no batch endpoint). */
  protected async placeBatch(chunk: readonly { request: OrderRequest; inst: Instrument }[]): Promise<PlaceResult[]> {
    const out: PlaceResult[] = [];
    for (const { inst, request } of chunk) out.push(await this.placeSingle(inst, request));
    return out;
  }

  protected orderParamOptions(): { perp: boolean; perOrderStp: boolean } {
    return { perp: this.kind === 'perp', perOrderStp: false };
  }

  async cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    return Promise.all(requests.map((r) => this.cancelOne(r)));
  }

  protected async cancelOne(request: CancelRequest): Promise<CancelResult> {
    let inst: Instrument;
    try {
      inst = this.instrument(request.symbol);
    } catch (error) {
      return { ok: false, outcome: 'rejected', error: error as EngineError };
    }
    if (request.venueOrderId === undefined && request.clientOrderId === undefined) {
      return { ok: false, outcome: 'rejected', error: new EngineError('INVALID_ARGUMENT', 'a cancel needs a clientOrderId or a venueOrderId') };
    }
    try {
      const json = await this.api.cancelOrder(
        request.venueOrderId !== undefined ? { symbol: request.symbol, orderId: request.venueOrderId } : { symbol: request.symbol, origClientOrderId: request.clientOrderId! },
      );
      return { ok: true, order: toVenueOrder(inst, json, this.clock.now()) };
    } catch (error) {
      return changeFailed(error);
    }
  }

  async cancelAll(symbol: string): Promise<void> {
    this.instrument(symbol);
    await this.api.cancelAllOpenOrders(symbol);
  }

  abstract amendOrder(request: AmendRequest): Promise<AmendResult>;
  abstract setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void>;
  abstract setAccountStp(mode: StpMode): Promise<void>;
  abstract setLeverage(symbol: string, leverage: number): Promise<void>;
  abstract setMarginType(symbol: string, marginType: MarginType): Promise<void>;

  // ---------------------------------------------------------------- private stream

  /** Built once (end of the constructor): every private event goes through it. */
  private readonly privateContext: PrivateContext;

  private buildPrivateContext(): PrivateContext {
    return {
      clock: this.clock,
      events: this.events,
      orders: this.orders,
      instrumentOf: (symbol) => this.instrumentMap.get(symbol),
      lastPosition: (symbol) => this.positionCache.get(symbol),
      rememberPosition: (position) => this.positionCache.set(position.symbol, position),
      lockedOf: (asset) => this.lockedCache.get(asset) ?? 0n,
      onLeverage: (symbol, leverage) => this.onLeverage(symbol, leverage),
      onAccountChange: () => this.onAccountChange(),
    };
  }

  protected onLeverage(_symbol: string, _leverage: number): void {}

  /** A fill or account update arrived on the user stream (perps refresh their margin summary). */
  protected onAccountChange(): void {}
}

function defaultAccountId(credentials: AsterCredentials): string {
  if (!isV1Credentials(credentials)) return credentials.user.toLowerCase();
  // never the key itself: account keys show up in logs and the dashboard
  return `key-${createHash('sha256').update(credentials.apiKey).digest('hex').slice(0, 12)}`;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
