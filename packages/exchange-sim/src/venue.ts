// SimVenue: the venue port on top of the simulated exchange, for one account. It adds what a
// real venue has between the engine and the matching engine: order-entry and response latency,
// market-data latency, periodic book publication, a dead-man switch, and faults on request.
// With a LiveClock it is a paper-trading venue; with a SimClock it runs at backtest speed.
import { EngineError, EventBus } from '@mm/core';
import type {
  AmendRequest,
  Balance,
  CancelRequest,
  Clock,
  Fill,
  Instrument,
  MarginSummary,
  MarginType,
  OrderRequest,
  Position,
  Rng,
  StpMode,
  TimerHandle,
  VenueOrder,
} from '@mm/core';
import type {
  AmendResult,
  CancelResult,
  FeeRates,
  FillQuery,
  MarketKind,
  OrderRef,
  PlaceResult,
  StreamName,
  VenueAdapter,
  VenueCapabilities,
  VenueEvents,
} from '@mm/exchange';
import type { SimExchange } from './exchange.ts';

export interface LatencyModel {
  /** One way, engine → matching engine. */
  readonly orderEntryMs: number;
  /** Uniform extra delay in [0, jitter) on order entry. */
  readonly orderJitterMs: number;
  /** Matching engine → engine, for request responses. */
  readonly responseMs: number;
  /** Public market data delay. */
  readonly marketDataMs: number;
  /** Private stream (order updates, fills, balances) delay. */
  readonly privateMs: number;
}

export const ZERO_LATENCY: LatencyModel = { orderEntryMs: 0, orderJitterMs: 0, responseMs: 0, marketDataMs: 0, privateMs: 0 };
export const TYPICAL_LATENCY: LatencyModel = { orderEntryMs: 15, orderJitterMs: 10, responseMs: 15, marketDataMs: 20, privateMs: 10 };

export interface SimVenueOptions {
  readonly exchange: SimExchange;
  readonly account: string;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly market: MarketKind;
  readonly accountKey?: string;
  readonly latency?: Partial<LatencyModel>;
  readonly bookDepth?: number;
  /** How often a changed book is published (real venues: 100 ms). */
  readonly bookIntervalMs?: number;
  /** How long a dropped stream stays down before it reconnects by itself. */
  readonly reconnectDelayMs?: number;
  /** Whether the symbol has a book to publish now; a recorded market inside a data gap has none. */
  readonly bookAvailable?: (symbol: string) => boolean;
  /**
   * Publish an unchanged book again after this long, as venues' partial-depth streams do (a
   * quiet recorded market would otherwise look like a dead feed). Default: only changes.
   */
  readonly bookKeepaliveMs?: number;
}

export class SimVenue implements VenueAdapter {
  readonly accountKey: string;
  readonly capabilities: VenueCapabilities;
  readonly events = new EventBus<VenueEvents>();
  readonly faults = {
    dropPrivateStream: async (): Promise<void> => this.dropStream('private'),
    dropMarketStream: async (): Promise<void> => this.dropStream('market'),
    duplicateFills: (on: boolean): void => {
      this.duplicateFills = on;
    },
    rateLimitNextRequest: (): void => {
      this.rateLimitNext = true;
    },
    loseNextSubmitResponse: (): void => {
      this.loseNextSubmit = true;
    },
    /** The next `count` new orders are refused by the venue (ORDER_REJECTED), e.g. to trip a reject breaker. */
    rejectNextOrders: (count: number): void => {
      this.rejectOrders += count;
    },
  };

  private readonly exchange: SimExchange;
  private readonly account: string;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly latency: LatencyModel;
  private readonly bookDepth: number;
  private readonly bookIntervalMs: number;
  private readonly reconnectDelayMs: number;
  private readonly bookAvailable: ((symbol: string) => boolean) | undefined;
  private readonly bookKeepaliveMs: number | undefined;
  private connected = false;
  private unlistenPrivate: (() => void) | undefined;
  private unlistenPublic: (() => void) | undefined;
  private readonly marketSubs = new Map<string, { timer: TimerHandle; lastSequence: number; lastPublished: number }>();
  private readonly deadMan = new Map<string, TimerHandle>();
  private readonly down: Record<StreamName, boolean> = { market: false, private: false };
  private lastDue: Record<StreamName, number> = { market: 0, private: 0 };
  private duplicateFills = false;
  private rateLimitNext = false;
  private loseNextSubmit = false;
  private rejectOrders = 0;

  constructor(options: SimVenueOptions) {
    this.exchange = options.exchange;
    this.account = options.account;
    this.clock = options.clock;
    this.rng = options.rng;
    this.latency = { ...ZERO_LATENCY, ...options.latency };
    this.bookDepth = options.bookDepth ?? 20;
    this.bookIntervalMs = options.bookIntervalMs ?? 100;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 500;
    this.bookAvailable = options.bookAvailable;
    this.bookKeepaliveMs = options.bookKeepaliveMs;
    this.accountKey = options.accountKey ?? `sim:${options.account}:${options.market}`;
    this.capabilities = {
      venue: 'sim',
      market: options.market,
      postOnly: true,
      fok: true,
      stpModes: ['expire_taker', 'expire_maker', 'expire_both'],
      maxBatchPlace: 20,
      maxBatchCancel: 50,
      amend: true,
      deadManSwitch: true,
      cancelAllMinIntervalMs: 0,
      maxClientOrderIdLength: 36,
      fillsFromTradeId: true,
    };
  }

  // ---------------------------------------------------------------- lifecycle

  async connect(): Promise<void> {
    if (this.connected) return;
    if (!this.exchange.hasAccount(this.account)) {
      throw new EngineError('AUTH_FAILED', `the simulated exchange has no account "${this.account}"`);
    }
    this.connected = true;
    this.unlistenPrivate = this.exchange.listen(this.account, {
      order: (order) => this.deliver('private', () => this.events.emit('order', order)),
      fill: (fill) => {
        this.deliver('private', () => this.events.emit('fill', { ...fill, receivedAt: this.clock.now() }));
        if (this.duplicateFills) this.deliver('private', () => this.events.emit('fill', { ...fill, receivedAt: this.clock.now() }));
      },
      balances: (balances, cashFlow) =>
        this.deliver('private', () => {
          this.events.emit('balances', balances);
          // funding is paid on perp positions: the spot view of a shared account does not report it
          if (cashFlow === undefined || (cashFlow.kind === 'funding' && this.capabilities.market !== 'perp')) return;
          this.events.emit('cashFlow', { ...cashFlow, receivedAt: this.clock.now() });
          // equity moved without a fill (which reports margin with its position)
          const margin = this.marginNow();
          if (margin !== null) this.events.emit('margin', margin);
        }),
      position: (position) =>
        this.deliver('private', () => {
          this.events.emit('position', position);
          const margin = this.marginNow();
          if (margin !== null) this.events.emit('margin', margin);
        }),
      risk: (event) =>
        this.deliver('private', () =>
          this.events.emit('risk', {
            kind: event.kind,
            message: event.message,
            ...(event.symbol === undefined ? {} : { symbol: event.symbol }),
            ...(event.details === undefined ? {} : { details: event.details }),
            venueTime: this.clock.now(),
            receivedAt: this.clock.now(),
          }),
        ),
    });
    this.unlistenPublic = this.exchange.listenPublic({
      trade: (trade) => {
        if (this.marketSubs.has(trade.symbol)) this.deliver('market', () => this.events.emit('trade', { ...trade, receivedAt: this.clock.now() }));
      },
      mark: (update) => {
        if (this.marketSubs.has(update.symbol)) this.deliver('market', () => this.events.emit('markPrice', { ...update, receivedAt: this.clock.now() }));
      },
    });
    this.events.emit('connection', { stream: 'private', state: 'connected', at: this.clock.now() });
    await this.respond();
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    this.unlistenPrivate?.();
    this.unlistenPublic?.();
    for (const sub of this.marketSubs.values()) this.clock.clearTimer(sub.timer);
    this.marketSubs.clear();
    for (const timer of this.deadMan.values()) this.clock.clearTimer(timer);
    this.deadMan.clear();
  }

  // ---------------------------------------------------------------- reference data

  async serverTime(): Promise<number> {
    return this.query(() => this.clock.now());
  }

  async instruments(): Promise<readonly Instrument[]> {
    return this.query(() => this.exchange.instruments().filter((i) => i.kind === this.capabilities.market));
  }

  instrument(symbol: string): Instrument {
    const inst = this.exchange.instrument(symbol);
    if (inst.kind !== this.capabilities.market) {
      throw new EngineError('UNKNOWN_SYMBOL', `${symbol} is not a ${this.capabilities.market} market on the simulated exchange`);
    }
    return inst;
  }

  async subscribeMarket(symbol: string): Promise<void> {
    this.instrument(symbol);
    if (this.marketSubs.has(symbol)) return;
    const sub = {
      lastSequence: -1,
      lastPublished: Number.NEGATIVE_INFINITY,
      timer: this.clock.setInterval(() => this.publishBook(symbol), this.bookIntervalMs, { pure: true }),
    };
    this.marketSubs.set(symbol, sub);
    if (this.marketSubs.size === 1) this.events.emit('connection', { stream: 'market', state: 'connected', at: this.clock.now() });
    this.publishBook(symbol);
    await this.respond();
  }

  async unsubscribeMarket(symbol: string): Promise<void> {
    const sub = this.marketSubs.get(symbol);
    if (sub !== undefined) this.clock.clearTimer(sub.timer);
    this.marketSubs.delete(symbol);
  }

  // ---------------------------------------------------------------- account queries

  async balances(): Promise<readonly Balance[]> {
    return this.query(() => this.exchange.balances(this.account));
  }

  async positions(symbol?: string): Promise<readonly Position[]> {
    if (this.capabilities.market !== 'perp') return [];
    return this.query(() => this.exchange.positions(this.account, symbol).filter((p) => this.exchange.instrument(p.symbol).kind === 'perp'));
  }

  async openOrders(symbol?: string): Promise<readonly VenueOrder[]> {
    return this.query(() => this.exchange.openOrders(this.account, symbol).filter((o) => this.isOurMarket(o.symbol)));
  }

  async queryOrder(ref: OrderRef): Promise<VenueOrder | null> {
    return this.query(() => {
      const order = this.exchange.getOrder(this.account, ref);
      return order !== null && order.symbol === ref.symbol ? order : null;
    });
  }

  async fills(query: FillQuery): Promise<readonly Fill[]> {
    return this.query(() => this.exchange.fills(this.account, query));
  }

  async feeRates(symbol: string): Promise<FeeRates> {
    this.instrument(symbol);
    return this.query(() => this.exchange.feeSchedule(this.account));
  }

  async marginSummary(): Promise<MarginSummary | null> {
    return this.query(() => this.marginNow());
  }

  // ---------------------------------------------------------------- order entry

  async placeOrders(requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> {
    const results: PlaceResult[] = [];
    for (let i = 0; i < requests.length; i += this.capabilities.maxBatchPlace) {
      const batch = requests.slice(i, i + this.capabilities.maxBatchPlace);
      results.push(...(await this.placeBatch(batch)));
    }
    return results;
  }

  async amendOrder(request: AmendRequest): Promise<AmendResult> {
    const limited = this.takeRateLimit();
    if (limited) return { ok: false, outcome: 'rejected', error: limited };
    const result = await this.execute(() => this.exchange.amend(this.account, request));
    return result.ok ? { ok: true, order: result.order } : { ok: false, outcome: 'rejected', error: result.error };
  }

  async cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    const limited = this.takeRateLimit();
    if (limited) return requests.map(() => ({ ok: false, outcome: 'rejected', error: limited }));
    return this.execute(() =>
      requests.map((r): CancelResult => {
        const out = this.exchange.cancel(this.account, r);
        return out.ok ? { ok: true, order: out.order } : { ok: false, outcome: 'rejected', error: out.error };
      }),
    );
  }

  async cancelAll(symbol: string): Promise<void> {
    this.instrument(symbol);
    const limited = this.takeRateLimit();
    if (limited) throw limited;
    await this.execute(() => this.exchange.cancelAll(this.account, symbol));
  }

  async setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void> {
    this.instrument(symbol);
    await this.execute(() => {
      this.clock.clearTimer(this.deadMan.get(symbol));
      this.deadMan.delete(symbol);
      if (timeoutMs > 0) {
        this.deadMan.set(
          symbol,
          this.clock.setTimeout(() => {
            this.deadMan.delete(symbol);
            this.exchange.cancelAll(this.account, symbol);
          }, timeoutMs),
        );
      }
    });
  }

  async setAccountStp(mode: StpMode): Promise<void> {
    await this.execute(() => this.exchange.setAccountStp(this.account, mode));
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    this.requirePerp('leverage');
    await this.execute(() => this.exchange.setLeverage(this.account, symbol, leverage));
  }

  async setMarginType(symbol: string, marginType: MarginType): Promise<void> {
    this.requirePerp('margin type');
    await this.execute(() => this.exchange.setMarginType(this.account, symbol, marginType));
  }

  // ---------------------------------------------------------------- internals

  private async placeBatch(batch: readonly OrderRequest[]): Promise<PlaceResult[]> {
    const limited = this.takeRateLimit();
    if (limited) return batch.map((r) => ({ ok: false, outcome: 'rejected', clientOrderId: r.clientOrderId, error: limited }));
    const lose = this.loseNextSubmit;
    this.loseNextSubmit = false;
    const results = await this.execute(
      () =>
        batch.map((r): PlaceResult => {
          if (!this.isOurMarket(r.symbol)) {
            return {
              ok: false,
              outcome: 'rejected',
              clientOrderId: r.clientOrderId,
              error: new EngineError('UNKNOWN_SYMBOL', `${r.symbol} is not a ${this.capabilities.market} market on the simulated exchange`),
            };
          }
          if (this.rejectOrders > 0) {
            this.rejectOrders--;
            return { ok: false, outcome: 'rejected', clientOrderId: r.clientOrderId, error: new EngineError('ORDER_REJECTED', 'order refused by the venue (simulated fault)') };
          }
          const out = this.exchange.submit(this.account, r);
          return out.ok ? { ok: true, order: out.order } : { ok: false, outcome: 'rejected', clientOrderId: r.clientOrderId, error: out.error };
        }),
      lose,
    );
    if (!lose) return results;
    return batch.map((r) => ({
      ok: false,
      outcome: 'unknown',
      clientOrderId: r.clientOrderId,
      error: new EngineError('UNKNOWN_OUTCOME', 'the venue did not answer the submit (simulated HTTP 503); the order may exist'),
    }));
  }

  private takeRateLimit(): EngineError | undefined {
    if (!this.rateLimitNext) return undefined;
    this.rateLimitNext = false;
    return new EngineError('RATE_LIMITED', 'rate limit exceeded (simulated HTTP 429); retry after 1000 ms', { details: { retryAfterMs: 1000 } });
  }

  /** Runs `work` at the matching engine after entry latency; answers after response latency. */
  private async execute<T>(work: () => T, loseResponse = false): Promise<T> {
    this.requireConnected();
    return this.roundTrip(work, loseResponse);
  }

  /** Read-only calls need no private stream, like REST queries on a real venue. */
  private async query<T>(work: () => T): Promise<T> {
    return this.roundTrip(work, false);
  }

  private async roundTrip<T>(work: () => T, loseResponse: boolean): Promise<T> {
    const entry = this.latency.orderEntryMs + (this.latency.orderJitterMs > 0 ? this.rng.uniform(0, this.latency.orderJitterMs) : 0);
    if (entry > 0) await this.clock.sleep(entry);
    const result = work();
    if (!loseResponse) await this.respond();
    return result;
  }

  private async respond(): Promise<void> {
    if (this.latency.responseMs > 0) await this.clock.sleep(this.latency.responseMs);
  }

  /** Delivers stream events in order, after the stream's latency, unless the stream is down. */
  private deliver(stream: StreamName, emit: () => void): void {
    if (!this.connected || this.down[stream]) return;
    const latency = stream === 'market' ? this.latency.marketDataMs : this.latency.privateMs;
    const now = this.clock.now();
    const due = Math.max(now + latency, this.lastDue[stream]);
    this.lastDue[stream] = due;
    this.clock.setTimeout(() => {
      if (this.connected && !this.down[stream]) emit();
    }, due - now);
  }

  private publishBook(symbol: string): void {
    const sub = this.marketSubs.get(symbol);
    if (sub === undefined || this.down.market) return;
    if (this.bookAvailable !== undefined && !this.bookAvailable(symbol)) return;
    const book = this.exchange.book(symbol);
    const venueTime = this.clock.now();
    if (book.sequence === sub.lastSequence && (this.bookKeepaliveMs === undefined || venueTime - sub.lastPublished < this.bookKeepaliveMs)) return;
    sub.lastSequence = book.sequence;
    sub.lastPublished = venueTime;
    const snapshot = {
      symbol,
      bids: book.bids.top(this.bookDepth),
      asks: book.asks.top(this.bookDepth),
      sequence: book.sequence,
      venueTime,
    };
    this.deliver('market', () => this.events.emit('book', { ...snapshot, receivedAt: this.clock.now() }));
  }

  private dropStream(stream: StreamName): void {
    if (this.down[stream]) return;
    this.down[stream] = true;
    this.events.emit('connection', { stream, state: 'disconnected', reason: 'simulated drop', at: this.clock.now() });
    this.clock.setTimeout(() => {
      this.down[stream] = false;
      this.events.emit('connection', { stream, state: 'reconnected', at: this.clock.now() });
      if (stream === 'market') {
        for (const [symbol, sub] of this.marketSubs) {
          sub.lastSequence = -1;
          this.publishBook(symbol);
        }
      }
    }, this.reconnectDelayMs);
  }

  private marginNow(): MarginSummary | null {
    if (this.capabilities.market !== 'perp') return null;
    const asset = this.exchange.instruments().find((i) => i.kind === 'perp')?.marginAsset ?? 'USDT';
    return this.exchange.marginSummary(this.account, asset);
  }

  private isOurMarket(symbol: string): boolean {
    try {
      return this.exchange.instrument(symbol).kind === this.capabilities.market;
    } catch {
      return false;
    }
  }

  private requirePerp(what: string): void {
    if (this.capabilities.market !== 'perp') throw new EngineError('NOT_SUPPORTED', `${what} applies to perpetual markets only`);
  }

  private requireConnected(): void {
    if (!this.connected) throw new EngineError('NETWORK', 'the simulated venue is not connected; call connect() first');
  }
}
