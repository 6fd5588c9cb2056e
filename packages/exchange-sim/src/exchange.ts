// The simulated exchange: instruments, accounts, one matching book per symbol, price-time
// priority, self-trade prevention, fees, spot balances with locks, perp positions with margin,
// funding and liquidation. Every trade records both sides, so tests can prove that no account
// ever traded with itself.
//
// Fill assumptions (they matter for a volume engine):
// - An order fills only against orders really resting in the book: our order at a price fills
//   after everything ahead of it at that price has traded (queue position is the real queue).
// - Consumed liquidity is gone; there is no replenishment other than participants' new orders.
// - Market impact is exactly what the book gives: a taker walks levels until filled or its
//   limit is reached.
// - Fees are charged in the quote (spot) or margin (perp) asset and credited to a fee account,
//   so every unit of every asset is accounted for.
import { EngineError, Instrument, fx, outcomeError } from '@mm/core';
import type {
  Balance,
  Clock,
  Fill,
  Fixed,
  InstrumentDef,
  MarginSummary,
  MarginType,
  MarkPriceUpdate,
  OrderRequest,
  Position,
  PublicTrade,
  Side,
  StpMode,
  TimeInForce,
  VenueOrder,
  VenueOrderStatus,
} from '@mm/core';
import { MatchingBook } from './book.ts';
import type { RestingOrder } from './book.ts';
import {
  Account,
  applyPositionTrade,
  entryPrice,
  liquidationPrice,
  positionInitialMargin,
  positionMaintenanceMargin,
  unrealizedPnl,
} from './ledger.ts';
import type { FeeSchedule } from './ledger.ts';

export type { FeeSchedule } from './ledger.ts';

export interface SimExchangeOptions {
  readonly clock: Clock;
  readonly instruments: readonly InstrumentDef[];
  /** Default fees (fractions). Maker 2 bp, taker 5 bp unless told. */
  readonly fees?: FeeSchedule;
  /** Maintenance margin rate for perps. Default 0.5 %. */
  readonly maintenanceRate?: Fixed;
  readonly maxOpenOrdersPerAccount?: number;
  /** Keep a log of every trade with both sides (tests). The self-trade counter is always kept. */
  readonly recordTrades?: boolean;
  /** Perp funding interval; 0 disables. Default 8 h. */
  readonly fundingIntervalMs?: number;
  /** Closed orders remembered per tracked account for queryOrder. */
  readonly historyLimit?: number;
  readonly defaultLeverage?: number;
}

export interface AccountOptions {
  readonly stpMode?: StpMode;
  readonly fees?: FeeSchedule;
  /**
   * Keep order history and fills and build stream events for this account. Background
   * participants of the market simulator turn it off for speed.
   */
  readonly track?: boolean;
}

export interface SimRiskEvent {
  readonly kind: 'margin_call' | 'liquidation' | 'adl';
  readonly symbol?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AccountListener {
  order?(order: VenueOrder): void;
  fill?(fill: Fill): void;
  balances?(balances: Balance[]): void;
  position?(position: Position): void;
  risk?(event: SimRiskEvent): void;
}

export interface PublicListener {
  trade?(trade: PublicTrade): void;
  mark?(update: MarkPriceUpdate): void;
}

export interface TradeRecord {
  readonly tradeId: string;
  readonly symbol: string;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: Side;
  readonly makerAccount: string;
  readonly takerAccount: string;
  readonly makerOrderId: string;
  readonly takerOrderId: string;
  readonly time: number;
}

export type SubmitResult = { readonly ok: true; readonly order: VenueOrder } | { readonly ok: false; readonly error: EngineError };
export type CancelOutcome = { readonly ok: true; readonly order: VenueOrder } | { readonly ok: false; readonly error: EngineError };

export interface SimCounters {
  ordersAccepted: number;
  ordersRejected: number;
  cancels: number;
  trades: number;
  /** Trades whose maker and taker were the same account. Zero whenever STP is on. */
  selfTrades: number;
  /** Times self-trade prevention stopped a match. */
  stpPrevented: number;
  liquidations: number;
}

const FEE_ACCOUNT = '__venue_fees__';
const INSURANCE_ACCOUNT = '__insurance_fund__';

interface TrackedHistory {
  readonly orders: Map<string, VenueOrder>;
  readonly clientIndex: Map<string, string>;
  readonly fills: Fill[];
}

export class SimExchange {
  readonly clock: Clock;
  readonly counters: SimCounters = { ordersAccepted: 0, ordersRejected: 0, cancels: 0, trades: 0, selfTrades: 0, stpPrevented: 0, liquidations: 0 };
  readonly tradeLog: TradeRecord[] = [];

  private readonly instrumentMap = new Map<string, Instrument>();
  private readonly books = new Map<string, MatchingBook>();
  private readonly accounts: Account[] = [];
  private readonly accountsByName = new Map<string, Account>();
  private readonly tracked = new Map<number, TrackedHistory>();
  /** Open orders per account, by client order id. */
  private readonly openByAccount = new Map<number, Map<string, RestingOrder>>();
  private readonly openById = new Map<string, RestingOrder>();
  private readonly accountListeners = new Map<number, Set<AccountListener>>();
  private readonly publicListeners = new Set<PublicListener>();
  private readonly marks = new Map<string, { mark: Fixed; index: Fixed; fundingRate: Fixed }>();
  private readonly lastTradePrice = new Map<string, number>();
  private readonly defaultFees: FeeSchedule;
  private readonly maintenanceRate: Fixed;
  private readonly maxOpenOrders: number;
  private readonly historyLimit: number;
  private readonly defaultLeverage: number;
  private readonly recordTrades: boolean;
  private orderSeq = 0;
  private tradeSeq = 0;
  private readonly feeAccount: Account;
  private readonly insurance: Account;

  constructor(options: SimExchangeOptions) {
    this.clock = options.clock;
    this.defaultFees = options.fees ?? { maker: fx.parse('0.0002'), taker: fx.parse('0.0005') };
    this.maintenanceRate = options.maintenanceRate ?? fx.parse('0.005');
    this.maxOpenOrders = options.maxOpenOrdersPerAccount ?? 200;
    this.historyLimit = options.historyLimit ?? 20_000;
    this.defaultLeverage = options.defaultLeverage ?? 5;
    this.recordTrades = options.recordTrades ?? false;
    for (const def of options.instruments) this.addInstrument(def);
    this.feeAccount = this.account(this.createAccount(FEE_ACCOUNT, { track: false, stpMode: 'none' }));
    this.insurance = this.account(this.createAccount(INSURANCE_ACCOUNT, { track: false, stpMode: 'none' }));
    const funding = options.fundingIntervalMs ?? 8 * 3_600_000;
    if (funding > 0 && [...this.instrumentMap.values()].some((i) => i.kind === 'perp')) {
      this.clock.setInterval(() => this.applyFunding(), funding);
    }
  }

  // ---------------------------------------------------------------- instruments and accounts

  addInstrument(def: InstrumentDef): Instrument {
    const inst = new Instrument(def);
    this.instrumentMap.set(inst.symbol, inst);
    if (!this.books.has(inst.symbol)) this.books.set(inst.symbol, new MatchingBook());
    return inst;
  }

  instruments(): Instrument[] {
    return [...this.instrumentMap.values()];
  }

  instrument(symbol: string): Instrument {
    const inst = this.instrumentMap.get(symbol);
    if (inst === undefined) throw new EngineError('UNKNOWN_SYMBOL', `unknown symbol "${symbol}" on the simulated exchange`, { details: { symbol } });
    return inst;
  }

  createAccount(name: string, options: AccountOptions = {}): string {
    if (this.accountsByName.has(name)) throw new EngineError('CONFLICT', `simulated account "${name}" already exists`);
    const account = new Account(this.accounts.length, name, options.stpMode ?? 'expire_taker', options.fees, this.defaultLeverage);
    this.accounts.push(account);
    this.accountsByName.set(name, account);
    this.openByAccount.set(account.index, new Map());
    if (options.track ?? true) this.tracked.set(account.index, { orders: new Map(), clientIndex: new Map(), fills: [] });
    return name;
  }

  hasAccount(name: string): boolean {
    return this.accountsByName.has(name);
  }

  accountNames(): string[] {
    return [...this.accountsByName.keys()];
  }

  setAccountStp(name: string, mode: StpMode): void {
    this.account(name).stpMode = mode;
  }

  setAccountFees(name: string, fees: FeeSchedule): void {
    this.account(name).fees = fees;
  }

  feeSchedule(name: string): FeeSchedule {
    return this.account(name).fees ?? this.defaultFees;
  }

  deposit(name: string, asset: string, amount: Fixed): void {
    if (amount <= 0n) throw new EngineError('INVALID_ARGUMENT', 'deposit amount must be positive');
    const account = this.account(name);
    account.balance(asset).total += amount;
    this.emitBalances(account, [asset]);
  }

  /** Sets the leverage of one symbol for one account (perps). */
  setLeverage(name: string, symbol: string, leverage: number): void {
    const inst = this.instrument(symbol);
    if (inst.kind !== 'perp') throw new EngineError('NOT_SUPPORTED', `${symbol} is not a perpetual; leverage does not apply`);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) {
      throw new EngineError('INVALID_ARGUMENT', `leverage must be a whole number from 1 to 125, got ${leverage}`);
    }
    this.account(name).position(symbol).leverage = leverage;
  }

  setMarginType(name: string, symbol: string, marginType: MarginType): void {
    const inst = this.instrument(symbol);
    if (inst.kind !== 'perp') throw new EngineError('NOT_SUPPORTED', `${symbol} is not a perpetual; margin type does not apply`);
    const pos = this.account(name).position(symbol);
    if (pos.qtyLots !== 0 && pos.marginType !== marginType) {
      throw new EngineError('ILLEGAL_STATE', `cannot change the margin type of ${symbol} while a position is open`);
    }
    pos.marginType = marginType;
  }

  // ---------------------------------------------------------------- listeners

  listen(name: string, listener: AccountListener): () => void {
    const account = this.account(name);
    let set = this.accountListeners.get(account.index);
    if (set === undefined) {
      set = new Set();
      this.accountListeners.set(account.index, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  listenPublic(listener: PublicListener): () => void {
    this.publicListeners.add(listener);
    return () => this.publicListeners.delete(listener);
  }

  // ---------------------------------------------------------------- queries

  book(symbol: string): MatchingBook {
    this.instrument(symbol);
    return this.books.get(symbol)!;
  }

  bestBid(symbol: string): number | undefined {
    return this.book(symbol).bids.bestPrice();
  }

  bestAsk(symbol: string): number | undefined {
    return this.book(symbol).asks.bestPrice();
  }

  balances(name: string): Balance[] {
    const account = this.account(name);
    return [...account.balances.keys()].map((asset) => this.balanceOf(account, asset));
  }

  positions(name: string, symbol?: string): Position[] {
    const account = this.account(name);
    const out: Position[] = [];
    for (const sym of account.positions.keys()) {
      if (symbol === undefined || sym === symbol) out.push(this.positionOf(account, sym));
    }
    return out;
  }

  marginSummary(name: string, asset = 'USDT'): MarginSummary {
    const account = this.account(name);
    const b = account.balance(asset);
    let upnl = 0n;
    let maintenance = 0n;
    let initial = 0n;
    for (const [symbol, pos] of account.positions) {
      const inst = this.instrument(symbol);
      if (inst.marginAsset !== asset) continue;
      const mark = this.markPrice(symbol);
      upnl += unrealizedPnl(pos, inst, mark);
      maintenance += positionMaintenanceMargin(pos, inst, mark, this.maintenanceRate);
      initial += positionInitialMargin(pos, inst, mark);
    }
    const marginBalance = b.total + upnl;
    return {
      asset,
      walletBalance: b.total,
      marginBalance,
      maintenanceMargin: maintenance,
      initialMargin: initial + b.locked,
      availableBalance: fx.max(0n, marginBalance - initial - b.locked),
      updatedAt: this.clock.now(),
    };
  }

  openOrders(name: string, symbol?: string): VenueOrder[] {
    const account = this.account(name);
    const out: VenueOrder[] = [];
    for (const order of this.openByAccount.get(account.index)!.values()) {
      if (symbol === undefined || order.symbol === symbol) out.push(this.toVenueOrder(order, statusOf(order)));
    }
    return out;
  }

  /** An order by client or venue id, open or recently closed; null if the venue never saw it. */
  getOrder(name: string, ref: { clientOrderId?: string; venueOrderId?: string }): VenueOrder | null {
    const account = this.account(name);
    const open =
      ref.venueOrderId !== undefined
        ? this.openById.get(ref.venueOrderId)
        : ref.clientOrderId !== undefined
          ? this.openByAccount.get(account.index)!.get(ref.clientOrderId)
          : undefined;
    if (open !== undefined && open.account === account.index) return this.toVenueOrder(open, statusOf(open));
    const history = this.tracked.get(account.index);
    if (history === undefined) return null;
    const id = ref.venueOrderId ?? (ref.clientOrderId !== undefined ? history.clientIndex.get(ref.clientOrderId) : undefined);
    return id === undefined ? null : history.orders.get(id) ?? null;
  }

  fills(name: string, query: { symbol?: string; since?: number; afterTradeId?: string; limit?: number } = {}): Fill[] {
    const history = this.tracked.get(this.account(name).index);
    if (history === undefined) return [];
    const after = query.afterTradeId === undefined ? -1 : Number(query.afterTradeId);
    const out: Fill[] = [];
    for (const f of history.fills) {
      if (query.symbol !== undefined && f.symbol !== query.symbol) continue;
      if (query.since !== undefined && f.venueTime < query.since) continue;
      if (Number(f.tradeId) <= after) continue;
      out.push(f);
      if (query.limit !== undefined && out.length >= query.limit) break;
    }
    return out;
  }

  markPrice(symbol: string): Fixed {
    const m = this.marks.get(symbol);
    if (m !== undefined) return m.mark;
    const inst = this.instrument(symbol);
    const book = this.books.get(symbol)!;
    const bid = book.bids.bestPrice();
    const ask = book.asks.bestPrice();
    if (bid !== undefined && ask !== undefined) return (inst.ticksToFixed(bid) + inst.ticksToFixed(ask)) / 2n;
    const last = this.lastTradePrice.get(symbol) ?? bid ?? ask;
    return last === undefined ? 0n : inst.ticksToFixed(last);
  }

  /** Set by the market simulator (the fair price path). Checks perp margins at the new mark. */
  setMarkPrice(symbol: string, mark: Fixed, index: Fixed = mark): void {
    const inst = this.instrument(symbol);
    const previous = this.marks.get(symbol);
    this.marks.set(symbol, { mark, index, fundingRate: previous?.fundingRate ?? 0n });
    if (this.publicListeners.size > 0) {
      const now = this.clock.now();
      const update: MarkPriceUpdate = { symbol, markPrice: mark, indexPrice: index, fundingRate: previous?.fundingRate ?? 0n, venueTime: now, receivedAt: now };
      for (const l of this.publicListeners) l.mark?.(update);
    }
    if (inst.kind === 'perp') this.checkMargins(inst);
  }

  // ---------------------------------------------------------------- order entry

  submit(name: string, request: OrderRequest): SubmitResult {
    const account = this.accountsByName.get(name);
    if (account === undefined) return this.reject(new EngineError('INVALID_ARGUMENT', `unknown simulated account "${name}"`));
    const inst = this.instrumentMap.get(request.symbol);
    if (inst === undefined) {
      return this.reject(outcomeError('UNKNOWN_SYMBOL', `unknown symbol "${request.symbol}" on the simulated exchange`, { details: { symbol: request.symbol } }));
    }
    try {
      this.validate(account, inst, request);
    } catch (error) {
      return this.reject(error as EngineError);
    }
    const book = this.books.get(inst.symbol)!;
    if (request.timeInForce === 'POST_ONLY' && request.priceTicks !== undefined && book.crosses(request.side, request.priceTicks)) {
      return this.reject(
        outcomeError('POST_ONLY_WOULD_CROSS', `post-only ${request.side} at ${inst.ticksToPrice(request.priceTicks)} would take liquidity`, {
          details: { clientOrderId: request.clientOrderId },
        }),
      );
    }
    let lock: Fixed;
    try {
      lock = this.requiredLock(account, inst, request);
    } catch (error) {
      return this.reject(error as EngineError);
    }
    const now = this.clock.now();
    const seq = ++this.orderSeq;
    const order: RestingOrder = {
      seq,
      venueOrderId: String(seq),
      clientOrderId: request.clientOrderId,
      account: account.index,
      symbol: inst.symbol,
      side: request.side,
      type: request.type,
      priceTicks: request.priceTicks ?? 0,
      qtyLots: request.qtyLots,
      filledLots: 0,
      timeInForce: request.timeInForce,
      stpMode: request.stpMode ?? account.stpMode,
      reduceOnly: request.reduceOnly ?? false,
      createdAt: now,
      updatedAt: now,
      locked: 0n,
      level: undefined,
      prev: undefined,
      next: undefined,
    };
    this.lockFunds(account, inst, order, lock);
    this.counters.ordersAccepted++;
    const tracked = this.tracked.has(account.index);

    if (request.timeInForce === 'FOK' && this.fillableLots(order, book) < order.qtyLots) {
      this.releaseLock(account, inst, order);
      return { ok: true, order: this.closeOrder(order, 'expired', 'FOK could not fill completely') };
    }
    const stopReason = this.match(order, inst, book);
    const remaining = order.qtyLots - order.filledLots;
    if (remaining > 0 && stopReason === undefined && order.type === 'limit' && (order.timeInForce === 'GTC' || order.timeInForce === 'POST_ONLY')) {
      book.sideOf(order.side).add(order);
      book.sequence++;
      this.openByAccount.get(account.index)!.set(order.clientOrderId, order);
      this.openById.set(order.venueOrderId, order);
      account.openOrderCount++;
      const venueOrder = this.toVenueOrder(order, statusOf(order));
      if (tracked) this.emitOrder(account, venueOrder);
      return { ok: true, order: venueOrder };
    }
    this.releaseLock(account, inst, order);
    if (remaining === 0) return { ok: true, order: this.closeOrder(order, 'filled', undefined) };
    return { ok: true, order: this.closeOrder(order, 'expired', stopReason ?? 'no more liquidity within the limit') };
  }

  cancel(name: string, ref: { symbol: string; clientOrderId?: string; venueOrderId?: string }, reason = 'canceled by user'): CancelOutcome {
    const account = this.account(name);
    const order = this.findOpen(account, ref);
    if (order === undefined) {
      const known = this.getOrder(name, ref);
      return {
        ok: false,
        error: outcomeError('ORDER_NOT_FOUND',
          known === null
            ? `no open order ${ref.clientOrderId ?? ref.venueOrderId ?? ''} on ${ref.symbol}`
            : `order ${known.clientOrderId} is already ${known.status}`,
          { details: { ...ref, status: known?.status } },
        ),
      };
    }
    this.counters.cancels++;
    return { ok: true, order: this.removeResting(order, 'canceled', reason) };
  }

  cancelAll(name: string, symbol: string): VenueOrder[] {
    const account = this.account(name);
    const out: VenueOrder[] = [];
    for (const order of [...this.openByAccount.get(account.index)!.values()]) {
      if (order.symbol !== symbol) continue;
      this.counters.cancels++;
      out.push(this.removeResting(order, 'canceled', 'cancel all'));
    }
    return out;
  }

  /**
   * Changes price and/or quantity of a resting limit order. Lowering the quantity at the same
   * price keeps the queue place; any other change moves the order to the back of its new level.
   */
  amend(name: string, request: { symbol: string; clientOrderId: string; priceTicks: number; qtyLots: number }): CancelOutcome {
    const account = this.account(name);
    const order = this.findOpen(account, request);
    if (order === undefined) {
      return { ok: false, error: outcomeError('ORDER_NOT_FOUND', `no open order ${request.clientOrderId} on ${request.symbol} to amend`) };
    }
    const inst = this.instrument(request.symbol);
    try {
      inst.validateOrder(request.priceTicks, request.qtyLots);
    } catch (error) {
      return { ok: false, error: error as EngineError };
    }
    if (request.qtyLots <= order.filledLots) {
      return { ok: false, error: new EngineError('INVALID_ARGUMENT', `new quantity must exceed the ${inst.lotsToQty(order.filledLots)} already filled`) };
    }
    const book = this.books.get(order.symbol)!;
    const side = book.sideOf(order.side);
    const samePrice = request.priceTicks === order.priceTicks;
    if (!samePrice && book.crosses(order.side, request.priceTicks)) {
      return { ok: false, error: outcomeError('POST_ONLY_WOULD_CROSS', `amended price ${inst.ticksToPrice(request.priceTicks)} would take liquidity`) };
    }
    const newRemaining = request.qtyLots - order.filledLots;
    const lockRequest: OrderRequest = {
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: 'limit',
      timeInForce: order.timeInForce,
      priceTicks: request.priceTicks,
      qtyLots: newRemaining,
      reduceOnly: order.reduceOnly,
    };
    // swap the lock: release the old reservation, then reserve for the new terms
    this.releaseLock(account, inst, order);
    let lock: Fixed;
    try {
      lock = this.requiredLock(account, inst, lockRequest);
    } catch (error) {
      this.lockFunds(account, inst, order, this.requiredLockUnchecked(account, inst, order));
      return { ok: false, error: error as EngineError };
    }
    this.lockFunds(account, inst, order, lock);
    if (samePrice && request.qtyLots <= order.qtyLots) {
      side.reduce(order, order.qtyLots - request.qtyLots);
      order.qtyLots = request.qtyLots;
    } else {
      side.remove(order);
      order.priceTicks = request.priceTicks;
      order.qtyLots = request.qtyLots;
      side.add(order);
    }
    order.updatedAt = this.clock.now();
    book.sequence++;
    const venueOrder = this.toVenueOrder(order, statusOf(order));
    this.emitOrder(account, venueOrder);
    return { ok: true, order: venueOrder };
  }

  // ---------------------------------------------------------------- matching

  /** Returns why the taker stopped early (self-trade prevention, funds), or undefined. */
  private match(taker: RestingOrder, inst: Instrument, book: MatchingBook): string | undefined {
    const opposite = book.oppositeOf(taker.side);
    const isBuy = taker.side === 'buy';
    const limited = taker.type === 'limit';
    while (taker.filledLots < taker.qtyLots) {
      const level = opposite.bestLevel();
      if (level === undefined) return undefined;
      if (limited && (isBuy ? level.priceTicks > taker.priceTicks : level.priceTicks < taker.priceTicks)) return undefined;
      let maker = level.head;
      while (maker !== undefined && taker.filledLots < taker.qtyLots) {
        const next = maker.next;
        if (maker.account === taker.account) {
          const mode = taker.stpMode;
          if (mode !== 'none') {
            this.counters.stpPrevented++;
            if (mode === 'expire_maker' || mode === 'expire_both') {
              this.removeResting(maker, 'expired', 'self-trade prevention');
            }
            if (mode === 'expire_taker' || mode === 'expire_both') return 'self-trade prevention';
            maker = next;
            continue;
          }
        }
        let lots = Math.min(taker.qtyLots - taker.filledLots, maker.qtyLots - maker.filledLots);
        if (!limited) {
          lots = this.affordableMarketLots(taker, inst, level.priceTicks, lots);
          if (lots === 0) return 'insufficient balance';
        }
        this.execute(maker, taker, inst, book, level.priceTicks, lots);
        maker = next;
      }
    }
    return undefined;
  }

  private execute(maker: RestingOrder, taker: RestingOrder, inst: Instrument, book: MatchingBook, priceTicks: number, lots: number): void {
    const now = this.clock.now();
    const side = book.sideOf(maker.side);
    maker.filledLots += lots;
    taker.filledLots += lots;
    maker.updatedAt = now;
    taker.updatedAt = now;
    side.reduce(maker, lots);
    book.sequence++;
    const tradeId = String(++this.tradeSeq);
    this.counters.trades++;
    if (maker.account === taker.account) this.counters.selfTrades++;
    this.lastTradePrice.set(inst.symbol, priceTicks);

    const makerAccount = this.accounts[maker.account]!;
    const takerAccount = this.accounts[taker.account]!;
    this.settle(makerAccount, maker, inst, priceTicks, lots, 'maker', tradeId, now);
    this.settle(takerAccount, taker, inst, priceTicks, lots, 'taker', tradeId, now);

    if (maker.filledLots >= maker.qtyLots) {
      side.remove(maker);
      this.forgetOpen(makerAccount, maker);
      this.releaseLock(makerAccount, inst, maker);
      this.closeOrder(maker, 'filled', undefined);
    } else if (this.tracked.has(maker.account)) {
      this.emitOrder(makerAccount, this.toVenueOrder(maker, 'partially_filled'));
    }

    if (this.recordTrades) {
      this.tradeLog.push({
        tradeId,
        symbol: inst.symbol,
        priceTicks,
        qtyLots: lots,
        takerSide: taker.side,
        makerAccount: makerAccount.name,
        takerAccount: takerAccount.name,
        makerOrderId: maker.venueOrderId,
        takerOrderId: taker.venueOrderId,
        time: now,
      });
    }
    if (this.publicListeners.size > 0) {
      const trade: PublicTrade = { symbol: inst.symbol, tradeId, priceTicks, qtyLots: lots, takerSide: taker.side, venueTime: now, receivedAt: now };
      for (const l of this.publicListeners) l.trade?.(trade);
    }
    if (inst.kind === 'perp') {
      this.cancelStaleReduceOnly(makerAccount, inst);
      this.cancelStaleReduceOnly(takerAccount, inst);
    }
  }

  private settle(account: Account, order: RestingOrder, inst: Instrument, priceTicks: number, lots: number, liquidity: 'maker' | 'taker', tradeId: string, now: number): void {
    const notional = inst.notional(priceTicks, lots);
    const rate = (account.fees ?? this.defaultFees)[liquidity];
    const fee = fx.divInt(notional * rate, fx.SCALE, 'ceil');
    const feeAsset = inst.kind === 'spot' ? inst.quote : inst.marginAsset;
    const remainingBefore = order.qtyLots - order.filledLots + lots;
    let realized: Fixed | undefined;
    if (inst.kind === 'spot') {
      const base = account.balance(inst.base);
      const quote = account.balance(inst.quote);
      const qty = inst.lotsToFixed(lots);
      if (order.side === 'buy') {
        const release = this.lockPortion(order, lots, remainingBefore);
        quote.locked -= release;
        quote.total -= notional + fee;
        base.total += qty;
      } else {
        const release = this.lockPortion(order, lots, remainingBefore);
        base.locked -= release;
        base.total -= qty;
        quote.total += notional - fee;
      }
    } else {
      const wallet = account.balance(inst.marginAsset);
      wallet.locked -= this.lockPortion(order, lots, remainingBefore);
      realized = applyPositionTrade(account.position(inst.symbol), inst, order.side === 'buy' ? lots : -lots, priceTicks);
      wallet.total += realized - fee;
    }
    this.feeAccount.balance(feeAsset).total += fee;

    const history = this.tracked.get(account.index);
    if (history === undefined) return;
    const fill: Fill = {
      symbol: inst.symbol,
      tradeId,
      venueOrderId: order.venueOrderId,
      clientOrderId: order.clientOrderId,
      side: order.side,
      priceTicks,
      qtyLots: lots,
      fee,
      feeAsset,
      liquidity,
      ...(realized === undefined ? {} : { realizedPnl: realized }),
      venueTime: now,
      receivedAt: now,
    };
    history.fills.push(fill);
    if (history.fills.length > this.historyLimit * 2) history.fills.splice(0, history.fills.length - this.historyLimit);
    const listeners = this.accountListeners.get(account.index);
    if (listeners !== undefined) {
      for (const l of listeners) l.fill?.(fill);
      this.emitBalances(account, inst.kind === 'spot' ? [inst.base, inst.quote] : [inst.marginAsset]);
      if (inst.kind === 'perp') {
        const position = this.positionOf(account, inst.symbol);
        for (const l of listeners) l.position?.(position);
      }
    }
  }

  /** The share of an order's reservation released when `lots` of `remainingBefore` fill. */
  private lockPortion(order: RestingOrder, lots: number, remainingBefore: number): Fixed {
    if (order.locked === 0n || remainingBefore <= 0) return 0n;
    const portion = lots >= remainingBefore ? order.locked : fx.divInt(order.locked * BigInt(lots), BigInt(remainingBefore), 'trunc');
    order.locked -= portion;
    return portion;
  }

  private fillableLots(order: RestingOrder, book: MatchingBook): number {
    let lots = 0;
    const isBuy = order.side === 'buy';
    for (const level of book.oppositeOf(order.side).levelsBestFirst()) {
      if (order.type === 'limit' && (isBuy ? level.priceTicks > order.priceTicks : level.priceTicks < order.priceTicks)) break;
      for (let m = level.head; m !== undefined; m = m.next) {
        if (m.account === order.account && order.stpMode !== 'none') continue;
        lots += m.qtyLots - m.filledLots;
        if (lots >= order.qtyLots) return lots;
      }
    }
    return lots;
  }

  /** Market orders reserve nothing up front: each step checks what the account can pay for. */
  private affordableMarketLots(taker: RestingOrder, inst: Instrument, priceTicks: number, lots: number): number {
    const account = this.accounts[taker.account]!;
    if (inst.kind === 'spot') {
      if (taker.side === 'sell') return Math.min(lots, Number(fx.divInt(account.free(inst.base), inst.lot, 'floor')));
      const rate = fx.max(0n, (account.fees ?? this.defaultFees).taker);
      const perLot = fx.mul(inst.notional(priceTicks, 1), fx.ONE + rate, 'ceil');
      return Math.min(lots, Number(fx.divInt(account.free(inst.quote), perLot, 'floor')));
    }
    if (taker.reduceOnly) return Math.min(lots, Math.abs(account.position(inst.symbol).qtyLots));
    const available = this.marginSummary(account.name, inst.marginAsset).availableBalance;
    const perLot = inst.notional(priceTicks, 1) / BigInt(account.position(inst.symbol).leverage) + 1n;
    const reducing = this.reducingLots(account, inst, taker.side);
    return Math.min(lots, reducing + Number(fx.divInt(available, perLot, 'floor')));
  }

  // ---------------------------------------------------------------- funds

  private validate(account: Account, inst: Instrument, request: OrderRequest): void {
    if (!request.clientOrderId) throw new EngineError('INVALID_ARGUMENT', 'clientOrderId must not be empty');
    if (request.type === 'limit') {
      if (request.priceTicks === undefined) throw new EngineError('INVALID_ARGUMENT', 'a limit order needs a price');
      inst.validateOrder(request.priceTicks, request.qtyLots);
    } else {
      if (request.timeInForce === 'POST_ONLY' || request.timeInForce === 'GTC') {
        throw new EngineError('INVALID_ARGUMENT', 'a market order must be IOC or FOK');
      }
      inst.validateOrder(undefined, request.qtyLots);
    }
    if (this.openByAccount.get(account.index)!.has(request.clientOrderId)) {
      throw outcomeError('DUPLICATE_CLIENT_ORDER_ID', `client order id ${request.clientOrderId} is already used by an open order`, {
        details: { clientOrderId: request.clientOrderId },
      });
    }
    if (account.openOrderCount >= this.maxOpenOrders) {
      throw outcomeError('MAX_OPEN_ORDERS', `the account already has the maximum of ${this.maxOpenOrders} open orders`);
    }
    if (request.reduceOnly) {
      if (inst.kind !== 'perp') throw new EngineError('INVALID_ARGUMENT', 'reduce-only applies to perpetuals only');
      if (this.reducingLots(account, inst, request.side) === 0) {
        throw outcomeError('REDUCE_ONLY_REJECTED', `a reduce-only ${request.side} would not reduce the ${inst.symbol} position`);
      }
    }
  }

  /** How much of a `side` order would reduce the current position. */
  private reducingLots(account: Account, inst: Instrument, side: Side): number {
    const qty = account.positions.get(inst.symbol)?.qtyLots ?? 0;
    if (side === 'buy' && qty < 0) return -qty;
    if (side === 'sell' && qty > 0) return qty;
    return 0;
  }

  /** What the order must reserve; throws INSUFFICIENT_BALANCE when the account cannot. */
  private requiredLock(account: Account, inst: Instrument, request: OrderRequest): Fixed {
    const fees = account.fees ?? this.defaultFees;
    if (inst.kind === 'spot') {
      if (request.side === 'sell') {
        const qty = inst.lotsToFixed(request.qtyLots);
        const free = account.free(inst.base);
        if (free < qty) {
          throw insufficient(`selling ${inst.lotsToQty(request.qtyLots)} ${inst.base} needs that much free; ${fx.format(free)} is free`);
        }
        return request.type === 'market' ? 0n : qty;
      }
      if (request.type === 'market') {
        if (account.free(inst.quote) <= 0n) throw insufficient(`no free ${inst.quote} to buy with`);
        return 0n;
      }
      const notional = inst.notional(request.priceTicks!, request.qtyLots);
      const lock = notional + fx.divInt(notional * fx.max(0n, fees.maker > fees.taker ? fees.maker : fees.taker), fx.SCALE, 'ceil');
      const free = account.free(inst.quote);
      if (free < lock) throw insufficient(`buying needs ${fx.format(lock)} ${inst.quote} including fees; ${fx.format(free)} is free`);
      return lock;
    }
    if (request.reduceOnly) return 0n;
    const pos = account.position(inst.symbol);
    const price = request.type === 'limit' ? inst.ticksToFixed(request.priceTicks!) : this.markPrice(inst.symbol);
    const opening = Math.max(0, request.qtyLots - this.reducingLots(account, inst, request.side));
    const margin = fx.divInt(inst.notionalAt(price, opening), BigInt(pos.leverage), 'ceil');
    if (margin === 0n) return 0n;
    const available = this.marginSummary(account.name, inst.marginAsset).availableBalance;
    if (available < margin) {
      throw insufficient(`the order needs ${fx.format(margin)} ${inst.marginAsset} of margin at ${pos.leverage}x; ${fx.format(available)} is available`);
    }
    return request.type === 'market' ? 0n : margin;
  }

  private requiredLockUnchecked(account: Account, inst: Instrument, order: RestingOrder): Fixed {
    const remaining = order.qtyLots - order.filledLots;
    if (inst.kind === 'spot') {
      if (order.side === 'sell') return inst.lotsToFixed(remaining);
      const fees = account.fees ?? this.defaultFees;
      const notional = inst.notional(order.priceTicks, remaining);
      return notional + fx.divInt(notional * fx.max(0n, fees.maker > fees.taker ? fees.maker : fees.taker), fx.SCALE, 'ceil');
    }
    if (order.reduceOnly) return 0n;
    return fx.divInt(inst.notional(order.priceTicks, remaining), BigInt(account.position(inst.symbol).leverage), 'ceil');
  }

  private lockFunds(account: Account, inst: Instrument, order: RestingOrder, amount: Fixed): void {
    if (amount === 0n) return;
    const asset = inst.kind === 'spot' ? (order.side === 'buy' ? inst.quote : inst.base) : inst.marginAsset;
    account.balance(asset).locked += amount;
    order.locked += amount;
  }

  private releaseLock(account: Account, inst: Instrument, order: RestingOrder): void {
    if (order.locked === 0n) return;
    const asset = inst.kind === 'spot' ? (order.side === 'buy' ? inst.quote : inst.base) : inst.marginAsset;
    account.balance(asset).locked -= order.locked;
    order.locked = 0n;
    this.emitBalances(account, [asset]);
  }

  // ---------------------------------------------------------------- order bookkeeping

  private findOpen(account: Account, ref: { clientOrderId?: string; venueOrderId?: string }): RestingOrder | undefined {
    if (ref.venueOrderId !== undefined) {
      const o = this.openById.get(ref.venueOrderId);
      return o !== undefined && o.account === account.index ? o : undefined;
    }
    if (ref.clientOrderId !== undefined) return this.openByAccount.get(account.index)!.get(ref.clientOrderId);
    return undefined;
  }

  private forgetOpen(account: Account, order: RestingOrder): void {
    const map = this.openByAccount.get(account.index)!;
    if (map.get(order.clientOrderId) === order) {
      map.delete(order.clientOrderId);
      account.openOrderCount--;
    }
    this.openById.delete(order.venueOrderId);
  }

  private removeResting(order: RestingOrder, status: 'canceled' | 'expired', reason: string): VenueOrder {
    const account = this.accounts[order.account]!;
    const inst = this.instrumentMap.get(order.symbol)!;
    const book = this.books.get(order.symbol)!;
    book.sideOf(order.side).remove(order);
    book.sequence++;
    this.forgetOpen(account, order);
    this.releaseLock(account, inst, order);
    order.updatedAt = this.clock.now();
    return this.closeOrder(order, status, reason);
  }

  /** Records a finished order and tells its account. */
  private closeOrder(order: RestingOrder, status: VenueOrderStatus, reason: string | undefined): VenueOrder {
    const account = this.accounts[order.account]!;
    const venueOrder = this.toVenueOrder(order, status, reason);
    const history = this.tracked.get(account.index);
    if (history === undefined) return venueOrder;
    history.orders.set(order.venueOrderId, venueOrder);
    history.clientIndex.set(order.clientOrderId, order.venueOrderId);
    if (history.orders.size > this.historyLimit) {
      const oldest = history.orders.keys().next().value as string;
      const old = history.orders.get(oldest)!;
      history.orders.delete(oldest);
      if (history.clientIndex.get(old.clientOrderId) === oldest) history.clientIndex.delete(old.clientOrderId);
    }
    this.emitOrder(account, venueOrder);
    return venueOrder;
  }

  private cancelStaleReduceOnly(account: Account, inst: Instrument): void {
    if (account.openOrderCount === 0) return;
    for (const order of [...this.openByAccount.get(account.index)!.values()]) {
      if (order.symbol === inst.symbol && order.reduceOnly && this.reducingLots(account, inst, order.side) === 0) {
        this.removeResting(order, 'expired', 'reduce-only order no longer reduces the position');
      }
    }
  }

  private reject(error: EngineError): SubmitResult {
    this.counters.ordersRejected++;
    return { ok: false, error };
  }

  // ---------------------------------------------------------------- perps: margin, funding, ADL

  private checkMargins(inst: Instrument): void {
    for (const account of this.accounts) {
      if (account === this.insurance || account.positions.size === 0) continue;
      const pos = account.positions.get(inst.symbol);
      if (pos === undefined || pos.qtyLots === 0) continue;
      const summary = this.marginSummary(account.name, inst.marginAsset);
      if (summary.marginBalance < summary.maintenanceMargin) {
        this.liquidate(account, inst.marginAsset);
      } else if (summary.marginBalance < summary.maintenanceMargin * 2n) {
        if (!account.marginCallActive) {
          account.marginCallActive = true;
          this.emitRisk(account, {
            kind: 'margin_call',
            symbol: inst.symbol,
            message: `margin balance ${fx.format(summary.marginBalance, { decimals: 2 })} is within 2x of maintenance ${fx.format(summary.maintenanceMargin, { decimals: 2 })}`,
            details: { marginBalance: fx.format(summary.marginBalance), maintenanceMargin: fx.format(summary.maintenanceMargin) },
          });
        }
      } else {
        account.marginCallActive = false;
      }
    }
  }

  /** Closes every position of the account at the mark against the insurance fund. */
  private liquidate(account: Account, marginAsset: string): void {
    this.counters.liquidations++;
    for (const order of [...this.openByAccount.get(account.index)!.values()]) {
      if (this.instrumentMap.get(order.symbol)!.kind === 'perp') this.removeResting(order, 'canceled', 'liquidation');
    }
    const wallet = account.balance(marginAsset);
    for (const [symbol, pos] of account.positions) {
      if (pos.qtyLots === 0) continue;
      const inst = this.instrument(symbol);
      if (inst.marginAsset !== marginAsset) continue;
      const mark = this.markPrice(symbol);
      const qty = pos.qtyLots;
      const transferCost = BigInt(Math.sign(qty)) * inst.notionalAt(mark, Math.abs(qty));
      const realized = transferCost - pos.cost;
      wallet.total += realized;
      pos.realizedPnl += realized;
      pos.qtyLots = 0;
      pos.cost = 0n;
      const fund = this.insurance.position(symbol);
      // the fund takes the position over at the mark; its cost basis is what the trader's was marked to
      if (fund.qtyLots === 0 || Math.sign(fund.qtyLots) === Math.sign(qty)) {
        fund.cost += transferCost;
        fund.qtyLots += qty;
      } else {
        const held = Math.abs(fund.qtyLots);
        const closed = Math.min(held, Math.abs(qty));
        const basis = fx.divInt(fund.cost * BigInt(closed), BigInt(held), 'trunc');
        const closedTransfer = fx.divInt(transferCost * BigInt(closed), BigInt(Math.abs(qty)), 'trunc');
        const fundRealized = -closedTransfer - basis;
        this.insurance.balance(marginAsset).total += fundRealized;
        fund.cost = fund.cost - basis + (transferCost - closedTransfer);
        fund.qtyLots += qty;
      }
      this.emitRisk(account, {
        kind: 'liquidation',
        symbol,
        message: `${symbol} position of ${inst.lotsToQty(Math.abs(qty))} was liquidated at ${fx.format(mark)}`,
        details: { qty: inst.lotsToQty(qty < 0 ? -qty : qty), side: qty > 0 ? 'long' : 'short', markPrice: fx.format(mark) },
      });
      const listeners = this.accountListeners.get(account.index);
      if (listeners !== undefined) {
        const position = this.positionOf(account, symbol);
        for (const l of listeners) l.position?.(position);
      }
    }
    if (wallet.total < 0n) {
      // bankrupt: the insurance fund absorbs the deficit
      this.insurance.balance(marginAsset).total += wallet.total;
      wallet.total = 0n;
    }
    this.emitBalances(account, [marginAsset]);
  }

  private applyFunding(): void {
    for (const inst of this.instrumentMap.values()) {
      if (inst.kind !== 'perp') continue;
      const book = this.books.get(inst.symbol)!;
      const mark = this.markPrice(inst.symbol);
      const index = this.marks.get(inst.symbol)?.index ?? mark;
      if (index === 0n) continue;
      const bid = book.bids.bestPrice();
      const ask = book.asks.bestPrice();
      const mid = bid !== undefined && ask !== undefined ? (inst.ticksToFixed(bid) + inst.ticksToFixed(ask)) / 2n : mark;
      const cap = fx.parse('0.0075');
      const premium = fx.div(mid - index, index);
      const rate = fx.min(cap, fx.max(-cap, premium)) + fx.parse('0.0001');
      const entry = this.marks.get(inst.symbol);
      if (entry !== undefined) entry.fundingRate = rate;
      // longs pay shorts when the rate is positive; rounding residue goes to the insurance fund
      let paid = 0n;
      let received = 0n;
      const payers: Account[] = [];
      for (const account of this.accounts) {
        const pos = account.positions.get(inst.symbol);
        if (pos === undefined || pos.qtyLots === 0) continue;
        const amount = fx.mul(BigInt(Math.sign(pos.qtyLots)) * inst.notionalAt(mark, Math.abs(pos.qtyLots)), rate, 'trunc');
        account.balance(inst.marginAsset).total -= amount;
        if (amount > 0n) paid += amount;
        else received -= amount;
        payers.push(account);
      }
      this.insurance.balance(inst.marginAsset).total += paid - received;
      for (const account of payers) this.emitBalances(account, [inst.marginAsset]);
    }
  }

  /** ADL priority 0–4 (4 first in line): rank of PnL% × leverage among same-side positions. */
  private adlQuantile(account: Account, symbol: string): number | undefined {
    const pos = account.positions.get(symbol);
    if (pos === undefined || pos.qtyLots === 0) return undefined;
    const inst = this.instrument(symbol);
    const mark = this.markPrice(symbol);
    const score = (p: typeof pos): number => {
      if (p.cost === 0n) return 0;
      const pnlRatio = fx.toNumber(fx.div(unrealizedPnl(p, inst, mark), fx.abs(p.cost)));
      return pnlRatio > 0 ? pnlRatio * p.leverage : pnlRatio / p.leverage;
    };
    const mine = score(pos);
    let total = 0;
    let below = 0;
    for (const other of this.accounts) {
      const p = other.positions.get(symbol);
      if (p === undefined || p.qtyLots === 0 || Math.sign(p.qtyLots) !== Math.sign(pos.qtyLots)) continue;
      total++;
      if (score(p) < mine) below++;
    }
    if (mine <= 0) return 0;
    // alone on its side, a profitable position is first in line
    if (total === 1) return 4;
    return Math.min(4, Math.floor((5 * below) / total));
  }

  // ---------------------------------------------------------------- views and events

  private account(name: string): Account {
    const account = this.accountsByName.get(name);
    if (account === undefined) throw new EngineError('INVALID_ARGUMENT', `unknown simulated account "${name}"`);
    return account;
  }

  private balanceOf(account: Account, asset: string): Balance {
    const b = account.balance(asset);
    const isMargin = [...account.positions.keys()].some((s) => this.instrumentMap.get(s)?.marginAsset === asset);
    if (!isMargin) return { asset, total: b.total, locked: b.locked, free: b.total - b.locked };
    const summary = this.marginSummary(account.name, asset);
    return { asset, total: b.total, locked: summary.initialMargin, free: summary.availableBalance };
  }

  private positionOf(account: Account, symbol: string): Position {
    const pos = account.position(symbol);
    const inst = this.instrument(symbol);
    const mark = this.markPrice(symbol);
    const summary = this.marginSummary(account.name, inst.marginAsset);
    const ownUpnl = unrealizedPnl(pos, inst, mark);
    // equity from everything but this position's own mark-to-market
    const otherEquity = summary.marginBalance - ownUpnl;
    const adl = this.adlQuantile(account, symbol);
    return {
      symbol,
      qtyLots: pos.qtyLots,
      entryPrice: entryPrice(pos, inst),
      markPrice: mark,
      unrealizedPnl: ownUpnl,
      leverage: pos.leverage,
      marginType: pos.marginType,
      maintenanceMargin: positionMaintenanceMargin(pos, inst, mark, this.maintenanceRate),
      liquidationPrice: liquidationPrice(pos, inst, otherEquity, this.maintenanceRate),
      ...(adl === undefined ? {} : { adlQuantile: adl }),
      updatedAt: this.clock.now(),
    };
  }

  private toVenueOrder(order: RestingOrder, status: VenueOrderStatus, reason?: string): VenueOrder {
    return {
      symbol: order.symbol,
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      side: order.side,
      type: order.type,
      timeInForce: order.timeInForce as TimeInForce,
      priceTicks: order.priceTicks,
      qtyLots: order.qtyLots,
      filledLots: order.filledLots,
      status,
      reduceOnly: order.reduceOnly,
      reason,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    };
  }

  private emitOrder(account: Account, order: VenueOrder): void {
    const listeners = this.accountListeners.get(account.index);
    if (listeners === undefined) return;
    for (const l of listeners) l.order?.(order);
  }

  private emitBalances(account: Account, assets: readonly string[]): void {
    const listeners = this.accountListeners.get(account.index);
    if (listeners === undefined || listeners.size === 0) return;
    const balances = assets.map((a) => this.balanceOf(account, a));
    for (const l of listeners) l.balances?.(balances);
  }

  private emitRisk(account: Account, event: SimRiskEvent): void {
    const listeners = this.accountListeners.get(account.index);
    if (listeners === undefined) return;
    for (const l of listeners) l.risk?.(event);
  }

  // ---------------------------------------------------------------- conservation checks (tests)

  /** Sum of every account's total per asset (spot view; perp wallets exclude unrealised PnL). */
  totals(): Map<string, Fixed> {
    const out = new Map<string, Fixed>();
    for (const account of this.accounts) {
      for (const [asset, b] of account.balances) out.set(asset, (out.get(asset) ?? 0n) + b.total);
    }
    return out;
  }

  /** Σ wallet + unrealised PnL at the current marks, per margin asset: constant under trading. */
  equityTotals(): Map<string, Fixed> {
    const out = this.totals();
    for (const account of this.accounts) {
      for (const [symbol, pos] of account.positions) {
        const inst = this.instrument(symbol);
        out.set(inst.marginAsset, (out.get(inst.marginAsset) ?? 0n) + unrealizedPnl(pos, inst, this.markPrice(symbol)));
      }
    }
    return out;
  }

  /** Every account's raw balances, for invariant checks. */
  rawBalances(): { account: string; asset: string; total: Fixed; locked: Fixed }[] {
    const out: { account: string; asset: string; total: Fixed; locked: Fixed }[] = [];
    for (const account of this.accounts) {
      for (const [asset, b] of account.balances) out.push({ account: account.name, asset, total: b.total, locked: b.locked });
    }
    return out;
  }

  /** Σ of signed positions per symbol; zero whenever every trade had two sides. */
  netPositions(): Map<string, number> {
    const out = new Map<string, number>();
    for (const account of this.accounts) {
      for (const [symbol, pos] of account.positions) out.set(symbol, (out.get(symbol) ?? 0) + pos.qtyLots);
    }
    return out;
  }

  /** Sequence numbers, for state export. */
  get sequences(): { order: number; trade: number } {
    return { order: this.orderSeq, trade: this.tradeSeq };
  }

  /** Internal access for the state exporter. */
  get internals(): {
    accounts: readonly Account[];
    tracked: ReadonlyMap<number, TrackedHistory>;
    marks: Map<string, { mark: Fixed; index: Fixed; fundingRate: Fixed }>;
    setSequences(order: number, trade: number): void;
    restOrder(order: RestingOrder): void;
  } {
    return {
      accounts: this.accounts,
      tracked: this.tracked,
      marks: this.marks,
      setSequences: (order, trade) => {
        this.orderSeq = order;
        this.tradeSeq = trade;
      },
      restOrder: (order) => {
        const book = this.books.get(order.symbol)!;
        book.sideOf(order.side).add(order);
        book.sequence++;
        const account = this.accounts[order.account]!;
        this.openByAccount.get(account.index)!.set(order.clientOrderId, order);
        this.openById.set(order.venueOrderId, order);
        account.openOrderCount++;
      },
    };
  }
}

function statusOf(order: RestingOrder): VenueOrderStatus {
  return order.filledLots > 0 ? 'partially_filled' : 'open';
}

function insufficient(message: string): EngineError {
  return outcomeError('INSUFFICIENT_BALANCE', message);
}
