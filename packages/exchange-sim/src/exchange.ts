// The simulated exchange: instruments, accounts, one matching engine per symbol, self-trade
// prevention, fees, spot balances with locks, perp positions with margin, funding and
// liquidation. Every trade records both sides, so tests can prove that no account ever traded
// with itself.
//
// Price-time matching lives in MatchingEngine (matching.ts); this class is its Settlement: it
// validates and funds orders before they reach the engine, and books every trade it reports.
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
  CashFlow,
  Clock,
  Fill,
  Fixed,
  InstrumentDef,
  MarginSummary,
  MarginType,
  MarkPriceUpdate,
  OrderRequest,
  OrderType,
  Position,
  PublicTrade,
  Side,
  StpMode,
  TimeInForce,
  TimerHandle,
  VenueOrder,
  VenueOrderStatus,
} from '@mm/core';
import type { MatchingBook, RestingOrder } from './book.ts';
import {
  Account,
  AccountMarket,
  applyPositionTrade,
  bigOf,
  entryPrice,
  liquidationPrice,
  positionInitialMargin,
  positionMaintenanceMargin,
  unrealizedPnl,
} from './ledger.ts';
import type { AssetBalance, FeeSchedule } from './ledger.ts';
import type { AccountListener, PublicListener, SimRiskEvent, TrackedHistory } from './listeners.ts';
import { restsAfterMatch } from './matching.ts';
import type { Settlement } from './matching.ts';
import { SymbolMarket } from './symbol-market.ts';
import type { FeeConstants } from './symbol-market.ts';

export type { FeeSchedule } from './ledger.ts';
export type { AccountListener, PublicListener, SimRiskEvent } from './listeners.ts';

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
  /**
   * Closed orders and fills older than this are forgotten as new ones arrive (default: kept up
   * to historyLimit whatever their age). A long-running paper venue sets it, so its memory stops
   * growing once the window is full instead of after historyLimit orders and 2 × historyLimit fills.
   */
  readonly historyMaxAgeMs?: number;
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
/** What submitForStatus answers: the order's status after entry, or that it was refused. */
export type EntryStatus = VenueOrderStatus | 'rejected';

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

/** Why an order was refused before it reached the book; turned into an EngineError only when asked. */
type Rejection =
  | 'EMPTY_CLIENT_ID'
  | 'LIMIT_WITHOUT_PRICE'
  | 'INSTRUMENT_RULE'
  | 'MARKET_TIME_IN_FORCE'
  | 'DUPLICATE_CLIENT_ID'
  | 'MAX_OPEN_ORDERS'
  | 'REDUCE_ONLY_SPOT'
  | 'REDUCE_ONLY_NOT_REDUCING'
  | 'POST_ONLY_CROSS'
  | 'INSUFFICIENT_FUNDS';

export class SimExchange {
  readonly clock: Clock;
  readonly counters: SimCounters = { ordersAccepted: 0, ordersRejected: 0, cancels: 0, trades: 0, selfTrades: 0, stpPrevented: 0, liquidations: 0 };
  readonly tradeLog: TradeRecord[] = [];

  private readonly instrumentMap = new Map<string, Instrument>();
  private readonly markets = new Map<string, SymbolMarket>();
  /** The market of the last lookup: order flow usually stays on one symbol. */
  private lastMarket: SymbolMarket | undefined;
  private readonly accounts: Account[] = [];
  private readonly accountsByName = new Map<string, Account>();
  private readonly tracked = new Map<number, TrackedHistory>();
  /**
   * Open orders by venue order id, for lookups by that id. Built on the first such lookup, so
   * order flow that only ever names client ids (the market simulator, most bots) never pays for
   * keeping it.
   */
  private openById: Map<string, RestingOrder> | undefined;
  private readonly publicListeners = new Set<PublicListener>();
  private readonly marks = new Map<string, { mark: Fixed; index: Fixed; fundingRate: Fixed }>();
  private readonly defaultFees: FeeSchedule;
  private readonly maintenanceRate: Fixed;
  private readonly maxOpenOrders: number;
  private readonly historyLimit: number;
  private readonly historyMaxAgeMs: number | undefined;
  private readonly defaultLeverage: number;
  private readonly recordTrades: boolean;
  private orderSeq = 0;
  private tradeSeq = 0;
  /** Cash-flow ids issued in the current millisecond, per prefix: time-based ids stay unique without saved state. */
  private flowTime = -1;
  private readonly flowsAtTime = new Map<string, number>();
  private readonly feeAccount: Account;
  private readonly insurance: Account;
  /** How the last `enter` ended; read by its caller right after, before anything else can run. */
  private entryStatus: VenueOrderStatus = 'open';
  private entryView: VenueOrder | undefined;

  /** The periodic funding timer (perps); cleared by dispose(). */
  private fundingTimer: TimerHandle | undefined;

  constructor(options: SimExchangeOptions) {
    this.clock = options.clock;
    this.defaultFees = options.fees ?? { maker: fx.parse('0.0002'), taker: fx.parse('0.0005') };
    this.maintenanceRate = options.maintenanceRate ?? fx.parse('0.005');
    this.maxOpenOrders = options.maxOpenOrdersPerAccount ?? 200;
    this.historyLimit = options.historyLimit ?? 20_000;
    this.historyMaxAgeMs = options.historyMaxAgeMs;
    this.defaultLeverage = options.defaultLeverage ?? 5;
    this.recordTrades = options.recordTrades ?? false;
    for (const def of options.instruments) this.addInstrument(def);
    this.feeAccount = this.account(this.createAccount(FEE_ACCOUNT, { track: false, stpMode: 'none' }));
    this.insurance = this.account(this.createAccount(INSURANCE_ACCOUNT, { track: false, stpMode: 'none' }));
    const funding = options.fundingIntervalMs ?? 8 * 3_600_000;
    if (funding > 0 && [...this.instrumentMap.values()].some((i) => i.kind === 'perp')) {
      this.fundingTimer = this.clock.setInterval(() => this.applyFunding(), funding);
    }
  }

  /** Stops the exchange's own timers (funding), so a process can exit. */
  dispose(): void {
    this.clock.clearTimer(this.fundingTimer);
    this.fundingTimer = undefined;
  }

  // ---------------------------------------------------------------- instruments and accounts

  addInstrument(def: InstrumentDef): Instrument {
    const inst = new Instrument(def);
    this.instrumentMap.set(inst.symbol, inst);
    const previous = this.markets.get(inst.symbol);
    // a re-added symbol keeps its book (and the orders resting in it)
    const market = new SymbolMarket(previous?.index ?? this.markets.size, inst, previous?.book, (m) => this.settlementFor(m));
    if (previous !== undefined) market.lastTradePrice = previous.lastTradePrice;
    this.markets.set(inst.symbol, market);
    this.lastMarket = undefined;
    return inst;
  }

  instruments(): Instrument[] {
    return [...this.instrumentMap.values()];
  }

  instrument(symbol: string): Instrument {
    return this.market(symbol).inst;
  }

  createAccount(name: string, options: AccountOptions = {}): string {
    if (this.accountsByName.has(name)) throw new EngineError('CONFLICT', `simulated account "${name}" already exists`);
    const account = new Account(this.accounts.length, name, options.stpMode ?? 'expire_taker', options.fees, this.defaultLeverage);
    this.accounts.push(account);
    this.accountsByName.set(name, account);
    if (options.track ?? true) {
      account.history = { orders: new Map(), clientIndex: new Map(), fills: [] };
      this.tracked.set(account.index, account.history);
    }
    return name;
  }

  hasAccount(name: string): boolean {
    return this.accountsByName.has(name);
  }

  /** The account's index: how books and order records name it. */
  accountIndex(name: string): number {
    return this.account(name).index;
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

  /** Credits the account; listeners already attached hear it as a `transfer` cash flow. */
  deposit(name: string, asset: string, amount: Fixed): void {
    if (amount <= 0n) throw new EngineError('INVALID_ARGUMENT', 'deposit amount must be positive');
    const account = this.account(name);
    account.balance(asset).total += amount;
    if (!this.hasListeners(account)) return;
    this.emitBalances(account, [asset], this.cashFlow('transfer', this.flowId(`transfer:${asset}`), undefined, asset, amount));
  }

  /**
   * One funding payment of `amount` (signed from the account's side: + received, − paid) on a
   * perp symbol, with the insurance fund on the other side. For tests and mock venues that need
   * a funding fee of a known size; the periodic funding run computes its own.
   */
  payFunding(name: string, symbol: string, amount: Fixed): void {
    const inst = this.instrument(symbol);
    if (inst.kind !== 'perp') throw new EngineError('NOT_SUPPORTED', `${symbol} is not a perpetual; funding does not apply`);
    const account = this.account(name);
    account.balance(inst.marginAsset).total += amount;
    this.insurance.balance(inst.marginAsset).total -= amount;
    if (amount === 0n || !this.hasListeners(account)) return;
    this.emitBalances(account, [inst.marginAsset], this.cashFlow('funding', this.flowId(`funding:${symbol}`), symbol, inst.marginAsset, amount));
  }

  /** Runs perp funding now (the periodic timer calls this too). */
  settleFunding(): void {
    this.applyFunding();
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
    const set = (account.listeners ??= new Set());
    set.add(listener);
    return () => set.delete(listener);
  }

  listenPublic(listener: PublicListener): () => void {
    this.publicListeners.add(listener);
    return () => this.publicListeners.delete(listener);
  }

  // ---------------------------------------------------------------- queries

  book(symbol: string): MatchingBook {
    return this.market(symbol).book;
  }

  bestBid(symbol: string): number | undefined {
    return this.book(symbol).bids.bestPrice();
  }

  bestAsk(symbol: string): number | undefined {
    return this.book(symbol).asks.bestPrice();
  }

  /** The book's mid (exact; half a tick allowed), undefined while a side is empty. */
  mid(symbol: string): Fixed | undefined {
    return bookMid(this.market(symbol));
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
    return this.marginSummaryOf(this.account(name), asset);
  }

  openOrders(name: string, symbol?: string): VenueOrder[] {
    const account = this.account(name);
    const out: VenueOrder[] = [];
    for (const order of account.open.values()) {
      if (symbol === undefined || order.symbol === symbol) out.push(this.toVenueOrder(order, statusOf(order)));
    }
    return out;
  }

  /** Whether the account has this order open on this symbol; builds no views. */
  isOpen(name: string, symbol: string, clientOrderId: string): boolean {
    return this.account(name).open.get(clientOrderId)?.symbol === symbol;
  }

  /** An order by client or venue id, open or recently closed; null if the venue never saw it. */
  getOrder(name: string, ref: { clientOrderId?: string; venueOrderId?: string }): VenueOrder | null {
    const account = this.account(name);
    const open =
      ref.venueOrderId !== undefined
        ? this.openByVenueId(ref.venueOrderId)
        : ref.clientOrderId !== undefined
          ? account.open.get(ref.clientOrderId)
          : undefined;
    if (open !== undefined && open.account === account.index) return this.toVenueOrder(open, statusOf(open));
    const history = account.history;
    if (history === undefined) return null;
    const id = ref.venueOrderId ?? (ref.clientOrderId !== undefined ? history.clientIndex.get(ref.clientOrderId) : undefined);
    return id === undefined ? null : history.orders.get(id) ?? null;
  }

  fills(name: string, query: { symbol?: string; since?: number; afterTradeId?: string; limit?: number } = {}): Fill[] {
    const history = this.account(name).history;
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
    const market = this.market(symbol);
    const mid = bookMid(market);
    if (mid !== undefined) return mid;
    const last = market.lastTradePrice ?? market.book.bids.bestPrice() ?? market.book.asks.bestPrice();
    return last === undefined ? 0n : market.inst.ticksToFixed(last);
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
    const market = this.findMarket(request.symbol);
    if (market === undefined) {
      return this.reject(outcomeError('UNKNOWN_SYMBOL', `unknown symbol "${request.symbol}" on the simulated exchange`, { details: { symbol: request.symbol } }));
    }
    const entered = this.enter(account, market, request, true);
    if (typeof entered === 'string') return this.reject(this.rejectionError(entered, account, market, request));
    return { ok: true, order: this.entryView! };
  }

  /**
   * Lean order entry for synthetic participants (the market simulator): the same rules,
   * counters and events as `submit`, but it answers with the order's status only, so an
   * untracked account costs no result objects and a refusal builds no error.
   */
  submitForStatus(name: string, request: OrderRequest): EntryStatus {
    const account = this.accountsByName.get(name);
    const market = this.findMarket(request.symbol);
    if (account === undefined || market === undefined || typeof this.enter(account, market, request, false) === 'string') {
      this.counters.ordersRejected++;
      return 'rejected';
    }
    return this.entryStatus;
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
    return { ok: true, order: this.removeResting(order, 'canceled', reason, true)! };
  }

  /** Lean `cancel` by client order id for synthetic participants: true if an open order was canceled. */
  cancelIfOpen(name: string, symbol: string, clientOrderId: string): boolean {
    const account = this.account(name);
    const order = account.open.get(clientOrderId);
    if (order === undefined || order.symbol !== symbol) return false;
    this.counters.cancels++;
    this.removeResting(order, 'canceled', 'canceled by user', false);
    return true;
  }

  cancelAll(name: string, symbol: string): VenueOrder[] {
    const account = this.account(name);
    const out: VenueOrder[] = [];
    for (const order of [...account.open.values()]) {
      if (order.symbol !== symbol) continue;
      this.counters.cancels++;
      out.push(this.removeResting(order, 'canceled', 'cancel all', true)!);
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
    const market = this.market(request.symbol);
    const inst = market.inst;
    try {
      inst.validateOrder(request.priceTicks, request.qtyLots);
    } catch (error) {
      return { ok: false, error: error as EngineError };
    }
    if (request.qtyLots <= order.filledLots) {
      return { ok: false, error: new EngineError('INVALID_ARGUMENT', `new quantity must exceed the ${inst.lotsToQty(order.filledLots)} already filled`) };
    }
    // the order's own book decides, whatever symbol the request named
    const orderMarket = this.marketOf(order.symbol);
    const samePrice = request.priceTicks === order.priceTicks;
    if (!samePrice && orderMarket.book.crosses(order.side, request.priceTicks)) {
      return { ok: false, error: outcomeError('POST_ONLY_WOULD_CROSS', `amended price ${inst.ticksToPrice(request.priceTicks)} would take liquidity`) };
    }
    const newRemaining = request.qtyLots - order.filledLots;
    // swap the lock: release the old reservation, then reserve for the new terms
    this.releaseLock(account, market, order);
    const view = this.view(account, market);
    const lock = this.lockFor(account, market, view, order.side, 'limit', request.priceTicks, newRemaining, order.reduceOnly);
    if (lock === undefined) {
      const error = this.fundsError(account, market, view, order.side, 'limit', request.priceTicks, newRemaining);
      this.lockFunds(account, market, order, this.requiredLockUnchecked(account, market, order));
      return { ok: false, error };
    }
    this.lockFunds(account, market, order, lock);
    orderMarket.engine.amend(order, request.priceTicks, request.qtyLots);
    order.updatedAt = this.clock.now();
    const venueOrder = this.toVenueOrder(order, statusOf(order));
    this.emitOrder(account, venueOrder);
    return { ok: true, order: venueOrder };
  }

  // ---------------------------------------------------------------- trades with liquidity outside the book (replay)

  /**
   * Fills up to `lots` of a resting order as maker, at its own price, against `counterparty`:
   * a trade with liquidity that is not an order in this book (a recorded market, whose prints
   * decide when our orders fill). Settled, counted and reported like any match. Returns the
   * lots filled: 0 when the order is not open on `symbol`.
   */
  fillResting(name: string, symbol: string, clientOrderId: string, lots: number, counterparty: string): number {
    const maker = this.account(name).open.get(clientOrderId);
    if (maker === undefined || maker.symbol !== symbol || maker.level === undefined) return 0;
    const fill = Math.min(Math.floor(lots), maker.qtyLots - maker.filledLots);
    if (!(fill > 0)) return 0;
    const takerAccount = this.account(counterparty);
    const market = this.marketOf(symbol);
    const now = this.clock.now();
    const seq = ++this.orderSeq;
    const taker: RestingOrder = {
      seq,
      venueOrderId: String(seq),
      clientOrderId: `${counterparty}:${seq}`,
      account: takerAccount.index,
      symbol,
      side: maker.side === 'buy' ? 'sell' : 'buy',
      type: 'limit',
      priceTicks: maker.priceTicks,
      qtyLots: fill,
      filledLots: fill,
      timeInForce: 'IOC',
      stpMode: 'none',
      reduceOnly: false,
      createdAt: now,
      updatedAt: now,
      locked: 0n,
      level: undefined,
      prev: undefined,
      next: undefined,
    };
    // the same steps as a match in the engine, against this one maker
    const side = market.book.sideOf(maker.side);
    maker.filledLots += fill;
    side.reduce(maker, fill);
    market.book.sequence++;
    const tradeNo = this.onTrade(market, maker, taker, maker.priceTicks, fill);
    const makerFilled = maker.filledLots >= maker.qtyLots;
    if (makerFilled) side.remove(maker);
    this.afterTrade(market, maker, taker, maker.priceTicks, fill, makerFilled, tradeNo);
    return fill;
  }

  /** Whether anyone listens to public trades (so a caller can skip building them). */
  get hasPublicListeners(): boolean {
    return this.publicListeners.size > 0;
  }

  /** Tells public listeners of a trade outside this book (a recorded market's print); nothing is settled. */
  publishTrade(trade: PublicTrade): void {
    for (const l of this.publicListeners) l.trade?.(trade);
  }

  /**
   * Everything from validation to the order's fate, shared by submit and submitForStatus.
   * Returns the order, or why it was refused (nothing changed then, but counters are the
   * caller's). The outcome is left in entryStatus and, if `wantView` or the account is tracked,
   * entryView.
   */
  private enter(account: Account, market: SymbolMarket, request: OrderRequest, wantView: boolean): RestingOrder | Rejection {
    const rejection = this.check(account, market, request);
    if (rejection !== undefined) return rejection;
    const priceTicks = request.priceTicks;
    if (request.timeInForce === 'POST_ONLY' && priceTicks !== undefined && market.book.crosses(request.side, priceTicks)) return 'POST_ONLY_CROSS';
    const view = this.view(account, market);
    const lock = this.lockFor(account, market, view, request.side, request.type, priceTicks ?? 0, request.qtyLots, request.reduceOnly ?? false);
    if (lock === undefined) return 'INSUFFICIENT_FUNDS';
    const now = this.clock.now();
    const seq = ++this.orderSeq;
    // the literal of newRestingOrder, field for field (one object shape), without its init object
    const order: RestingOrder = {
      seq,
      venueOrderId: String(seq),
      clientOrderId: request.clientOrderId,
      account: account.index,
      symbol: market.symbol,
      side: request.side,
      type: request.type,
      priceTicks: priceTicks ?? 0,
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
    this.lockFunds(account, market, order, lock);
    this.counters.ordersAccepted++;
    const engine = market.engine;

    if (request.timeInForce === 'FOK' && engine.fillableLots(order) < order.qtyLots) {
      this.releaseLock(account, market, order);
      return this.entered(order, 'expired', this.closeOrder(account, order, 'expired', 'FOK could not fill completely', wantView));
    }
    const stop = engine.match(order);
    if (restsAfterMatch(order, stop)) {
      engine.rest(order);
      this.rememberOpen(account, order);
      const status = statusOf(order);
      let venueOrder: VenueOrder | undefined;
      if (wantView || account.history !== undefined) {
        venueOrder = this.toVenueOrder(order, status);
        if (account.history !== undefined) this.emitOrder(account, venueOrder);
      }
      return this.entered(order, status, venueOrder);
    }
    this.releaseLock(account, market, order);
    if (order.filledLots >= order.qtyLots) return this.entered(order, 'filled', this.closeOrder(account, order, 'filled', undefined, wantView));
    return this.entered(order, 'expired', this.closeOrder(account, order, 'expired', stop ?? 'no more liquidity within the limit', wantView));
  }

  private entered(order: RestingOrder, status: VenueOrderStatus, view: VenueOrder | undefined): RestingOrder {
    this.entryStatus = status;
    this.entryView = view;
    return order;
  }

  // ---------------------------------------------------------------- validation

  /** The first rule the order breaks, in the order the venue checks them, or undefined. */
  private check(account: Account, market: SymbolMarket, request: OrderRequest): Rejection | undefined {
    if (!request.clientOrderId) return 'EMPTY_CLIENT_ID';
    if (request.type === 'limit') {
      if (request.priceTicks === undefined) return 'LIMIT_WITHOUT_PRICE';
      if (!market.plainlyValid(request.priceTicks, request.qtyLots) && breaksInstrumentRule(market.inst, request.priceTicks, request.qtyLots)) {
        return 'INSTRUMENT_RULE';
      }
    } else {
      if (request.timeInForce === 'POST_ONLY' || request.timeInForce === 'GTC') return 'MARKET_TIME_IN_FORCE';
      if (!market.plainlyValid(undefined, request.qtyLots) && breaksInstrumentRule(market.inst, undefined, request.qtyLots)) return 'INSTRUMENT_RULE';
    }
    if (account.open.has(request.clientOrderId)) return 'DUPLICATE_CLIENT_ID';
    if (account.openOrderCount >= this.maxOpenOrders) return 'MAX_OPEN_ORDERS';
    if (request.reduceOnly) {
      if (market.spot) return 'REDUCE_ONLY_SPOT';
      if (this.reducingLots(account, market.inst, request.side) === 0) return 'REDUCE_ONLY_NOT_REDUCING';
    }
    return undefined;
  }

  /** The error a refused order gets back; built only for callers that want one. */
  private rejectionError(rejection: Rejection, account: Account, market: SymbolMarket, request: OrderRequest): EngineError {
    const inst = market.inst;
    switch (rejection) {
      case 'EMPTY_CLIENT_ID':
        return new EngineError('INVALID_ARGUMENT', 'clientOrderId must not be empty');
      case 'LIMIT_WITHOUT_PRICE':
        return new EngineError('INVALID_ARGUMENT', 'a limit order needs a price');
      case 'INSTRUMENT_RULE':
        try {
          inst.validateOrder(request.type === 'limit' ? request.priceTicks : undefined, request.qtyLots);
        } catch (error) {
          return error as EngineError;
        }
        return new EngineError('INTERNAL', `${inst.symbol}: order refused by an instrument rule that no longer applies`);
      case 'MARKET_TIME_IN_FORCE':
        return new EngineError('INVALID_ARGUMENT', 'a market order must be IOC or FOK');
      case 'DUPLICATE_CLIENT_ID':
        return outcomeError('DUPLICATE_CLIENT_ORDER_ID', `client order id ${request.clientOrderId} is already used by an open order`, {
          details: { clientOrderId: request.clientOrderId },
        });
      case 'MAX_OPEN_ORDERS':
        return outcomeError('MAX_OPEN_ORDERS', `the account already has the maximum of ${this.maxOpenOrders} open orders`);
      case 'REDUCE_ONLY_SPOT':
        return new EngineError('INVALID_ARGUMENT', 'reduce-only applies to perpetuals only');
      case 'REDUCE_ONLY_NOT_REDUCING':
        return outcomeError('REDUCE_ONLY_REJECTED', `a reduce-only ${request.side} would not reduce the ${inst.symbol} position`);
      case 'POST_ONLY_CROSS':
        return outcomeError('POST_ONLY_WOULD_CROSS', `post-only ${request.side} at ${inst.ticksToPrice(request.priceTicks!)} would take liquidity`, {
          details: { clientOrderId: request.clientOrderId },
        });
      case 'INSUFFICIENT_FUNDS':
        return this.fundsError(account, market, this.view(account, market), request.side, request.type, request.priceTicks ?? 0, request.qtyLots);
    }
  }

  /** How much of a `side` order would reduce the current position. */
  private reducingLots(account: Account, inst: Instrument, side: Side): number {
    const qty = account.positions.get(inst.symbol)?.qtyLots ?? 0;
    if (side === 'buy' && qty < 0) return -qty;
    if (side === 'sell' && qty > 0) return qty;
    return 0;
  }

  // ---------------------------------------------------------------- funds

  /** What the order must reserve, or undefined when the account cannot afford it. */
  private lockFor(
    account: Account,
    market: SymbolMarket,
    view: AccountMarket,
    side: Side,
    type: OrderType,
    priceTicks: number,
    qtyLots: number,
    reduceOnly: boolean,
  ): Fixed | undefined {
    if (market.spot) {
      if (side === 'sell') {
        const qty = market.qty(qtyLots);
        if (freeOf(view.base ?? (view.base = account.existingBalance(market.baseAsset))) < qty) return undefined;
        return type === 'market' ? 0n : qty;
      }
      const quote = view.quote ?? (view.quote = account.existingBalance(market.quoteAsset));
      if (type === 'market') return freeOf(quote) <= 0n ? undefined : 0n;
      const lock = this.spotBuyLock(market, this.feesOf(account, market, view), priceTicks, qtyLots);
      return freeOf(quote) < lock ? undefined : lock;
    }
    if (reduceOnly) return 0n;
    const margin = this.perpMargin(account, market, side, type, priceTicks, qtyLots);
    if (margin === 0n) return 0n;
    if (this.marginSummaryOf(account, market.quoteAsset).availableBalance < margin) return undefined;
    return type === 'market' ? 0n : margin;
  }

  /** The INSUFFICIENT_BALANCE error for an order lockFor refused, with the figures behind it. */
  private fundsError(account: Account, market: SymbolMarket, view: AccountMarket, side: Side, type: OrderType, priceTicks: number, qtyLots: number): EngineError {
    const inst = market.inst;
    if (market.spot) {
      if (side === 'sell') {
        const free = account.free(inst.base);
        return insufficient(`selling ${inst.lotsToQty(qtyLots)} ${inst.base} needs that much free; ${fx.format(free)} is free`);
      }
      if (type === 'market') return insufficient(`no free ${inst.quote} to buy with`);
      const lock = this.spotBuyLock(market, this.feesOf(account, market, view), priceTicks, qtyLots);
      return insufficient(`buying needs ${fx.format(lock)} ${inst.quote} including fees; ${fx.format(account.free(inst.quote))} is free`);
    }
    const margin = this.perpMargin(account, market, side, type, priceTicks, qtyLots);
    const available = this.marginSummaryOf(account, inst.marginAsset).availableBalance;
    const leverage = account.position(inst.symbol).leverage;
    return insufficient(`the order needs ${fx.format(margin)} ${inst.marginAsset} of margin at ${leverage}x; ${fx.format(available)} is available`);
  }

  /** A spot buy reserves its notional plus the larger of its possible fees. */
  private spotBuyLock(market: SymbolMarket, fees: FeeConstants, priceTicks: number, qtyLots: number): Fixed {
    const tickLots = market.tickLots(priceTicks, qtyLots);
    if (fees.lockPerTickLot !== undefined) return tickLots * fees.lockPerTickLot;
    const notional = tickLots * market.notionalUnit;
    return notional + fx.divInt(notional * fees.lockRate, fx.SCALE, 'ceil');
  }

  /** Initial margin for the part of a perp order that opens or extends the position. */
  private perpMargin(account: Account, market: SymbolMarket, side: Side, type: OrderType, priceTicks: number, qtyLots: number): Fixed {
    const inst = market.inst;
    const pos = account.position(inst.symbol);
    const price = type === 'limit' ? inst.ticksToFixed(priceTicks) : this.markPrice(inst.symbol);
    const opening = Math.max(0, qtyLots - this.reducingLots(account, inst, side));
    return fx.divInt(inst.notionalAt(price, opening), BigInt(pos.leverage), 'ceil');
  }

  private requiredLockUnchecked(account: Account, market: SymbolMarket, order: RestingOrder): Fixed {
    const inst = market.inst;
    const remaining = order.qtyLots - order.filledLots;
    if (market.spot) {
      if (order.side === 'sell') return inst.lotsToFixed(remaining);
      const fees = account.fees ?? this.defaultFees;
      const notional = inst.notional(order.priceTicks, remaining);
      return notional + fx.divInt(notional * fx.max(0n, fees.maker > fees.taker ? fees.maker : fees.taker), fx.SCALE, 'ceil');
    }
    if (order.reduceOnly) return 0n;
    return fx.divInt(inst.notional(order.priceTicks, remaining), BigInt(account.position(inst.symbol).leverage), 'ceil');
  }

  /** The balance an order of this side reserves from. */
  private lockBalance(account: Account, market: SymbolMarket, side: Side): AssetBalance {
    const view = this.view(account, market);
    if (market.spot && side === 'sell') return view.base ?? (view.base = account.balance(market.baseAsset));
    return view.quote ?? (view.quote = account.balance(market.quoteAsset));
  }

  private lockFunds(account: Account, market: SymbolMarket, order: RestingOrder, amount: Fixed): void {
    if (amount === 0n) return;
    this.lockBalance(account, market, order.side).locked += amount;
    order.locked = order.locked === 0n ? amount : order.locked + amount;
  }

  private releaseLock(account: Account, market: SymbolMarket, order: RestingOrder): void {
    if (order.locked === 0n) return;
    this.lockBalance(account, market, order.side).locked -= order.locked;
    order.locked = 0n;
    if (account.listeners !== undefined && account.listeners.size > 0) {
      this.emitBalances(account, [market.spot && order.side === 'sell' ? market.baseAsset : market.quoteAsset]);
    }
  }

  /** The share of an order's reservation released when `lots` of `remainingBefore` fill. */
  private lockPortion(order: RestingOrder, lots: number, remainingBefore: number): Fixed {
    const locked = order.locked;
    if (locked === 0n || remainingBefore <= 0) return 0n;
    if (lots >= remainingBefore) {
      order.locked = 0n;
      return locked;
    }
    const portion = (locked * bigOf(lots)) / bigOf(remainingBefore);
    order.locked = locked - portion;
    return portion;
  }

  // ---------------------------------------------------------------- settlement (called by the matching engine)

  private settlementFor(market: SymbolMarket): Settlement {
    return {
      trade: (maker, taker, priceTicks, lots) => this.onTrade(market, maker, taker, priceTicks, lots),
      afterTrade: (maker, taker, priceTicks, lots, makerFilled, tradeNo) => this.afterTrade(market, maker, taker, priceTicks, lots, makerFilled, tradeNo),
      selfTradePrevented: (maker, _taker, makerExpired) => this.onSelfTradePrevented(market, maker, makerExpired),
      affordableLots: (taker, priceTicks, lots) => this.affordableMarketLots(market, taker, priceTicks, lots),
    };
  }

  private onTrade(market: SymbolMarket, maker: RestingOrder, taker: RestingOrder, priceTicks: number, lots: number): number {
    const now = this.clock.now();
    maker.updatedAt = now;
    taker.updatedAt = now;
    const tradeNo = ++this.tradeSeq;
    this.counters.trades++;
    if (maker.account === taker.account) this.counters.selfTrades++;
    market.lastTradePrice = priceTicks;
    const tickLots = market.tickLots(priceTicks, lots);
    this.settle(market, this.accounts[maker.account]!, maker, priceTicks, lots, tickLots, false, tradeNo, now);
    this.settle(market, this.accounts[taker.account]!, taker, priceTicks, lots, tickLots, true, tradeNo, now);
    return tradeNo;
  }

  private afterTrade(market: SymbolMarket, maker: RestingOrder, taker: RestingOrder, priceTicks: number, lots: number, makerFilled: boolean, tradeNo: number): void {
    const makerAccount = this.accounts[maker.account]!;
    if (makerFilled) {
      this.forgetOpen(makerAccount, maker);
      this.releaseLock(makerAccount, market, maker);
      this.closeOrder(makerAccount, maker, 'filled', undefined, false);
    } else if (makerAccount.history !== undefined) {
      this.emitOrder(makerAccount, this.toVenueOrder(maker, 'partially_filled'));
    }
    // the taker's clock reading is the trade's time: nothing else touches it during a match
    const now = taker.updatedAt;
    if (this.recordTrades) {
      this.tradeLog.push({
        tradeId: String(tradeNo),
        symbol: market.symbol,
        priceTicks,
        qtyLots: lots,
        takerSide: taker.side,
        makerAccount: makerAccount.name,
        takerAccount: this.accounts[taker.account]!.name,
        makerOrderId: maker.venueOrderId,
        takerOrderId: taker.venueOrderId,
        time: now,
      });
    }
    if (this.publicListeners.size > 0) {
      const trade: PublicTrade = { symbol: market.symbol, tradeId: String(tradeNo), priceTicks, qtyLots: lots, takerSide: taker.side, venueTime: now, receivedAt: now };
      for (const l of this.publicListeners) l.trade?.(trade);
    }
    if (!market.spot) {
      this.cancelStaleReduceOnly(makerAccount, market);
      this.cancelStaleReduceOnly(this.accounts[taker.account]!, market);
    }
  }

  private onSelfTradePrevented(market: SymbolMarket, maker: RestingOrder, makerExpired: boolean): void {
    this.counters.stpPrevented++;
    if (!makerExpired) return;
    // the engine has taken the maker out of the book already
    const account = this.accounts[maker.account]!;
    this.forgetOpen(account, maker);
    this.releaseLock(account, market, maker);
    maker.updatedAt = this.clock.now();
    this.closeOrder(account, maker, 'expired', 'self-trade prevention', false);
  }

  /** Books one side of a trade: balances, fee, position, and the fill of a tracked account. */
  private settle(
    market: SymbolMarket,
    account: Account,
    order: RestingOrder,
    priceTicks: number,
    lots: number,
    tickLots: bigint,
    isTaker: boolean,
    tradeNo: number,
    now: number,
  ): void {
    const view = this.view(account, market);
    const fees = this.feesOf(account, market, view);
    const rate = isTaker ? fees.taker : fees.maker;
    const isBuy = order.side === 'buy';
    const exact = rate.perTickLot !== undefined;
    const notional = exact ? 0n : tickLots * market.notionalUnit;
    const fee = exact ? tickLots * rate.perTickLot : fx.divInt(notional * rate.rate, fx.SCALE, 'ceil');
    const release = this.lockPortion(order, lots, order.qtyLots - order.filledLots + lots);
    let realized: Fixed | undefined;
    if (market.spot) {
      const base = view.base ?? (view.base = account.balance(market.baseAsset));
      const quote = view.quote ?? (view.quote = account.balance(market.quoteAsset));
      const qty = market.qty(lots);
      // the quote that changes hands: notional plus (buyer) or minus (seller) the fee
      const gross = exact ? tickLots * (isBuy ? rate.buyPerTickLot! : rate.sellPerTickLot!) : isBuy ? notional + fee : notional - fee;
      if (isBuy) {
        if (release !== 0n) quote.locked -= release;
        quote.total -= gross;
        base.total += qty;
      } else {
        if (release !== 0n) base.locked -= release;
        base.total -= qty;
        quote.total += gross;
      }
    } else {
      const wallet = view.quote ?? (view.quote = account.balance(market.quoteAsset));
      if (release !== 0n) wallet.locked -= release;
      const position = view.position ?? (view.position = account.position(market.symbol));
      realized = applyPositionTrade(position, market.inst, isBuy ? lots : -lots, priceTicks);
      wallet.total += realized - fee;
    }
    const feeView = this.view(this.feeAccount, market);
    (feeView.quote ?? (feeView.quote = this.feeAccount.balance(market.quoteAsset))).total += fee;

    const history = account.history;
    if (history === undefined) return;
    const fill: Fill = {
      symbol: market.symbol,
      tradeId: String(tradeNo),
      venueOrderId: order.venueOrderId,
      clientOrderId: order.clientOrderId,
      side: order.side,
      priceTicks,
      qtyLots: lots,
      fee,
      feeAsset: market.quoteAsset,
      liquidity: isTaker ? 'taker' : 'maker',
      ...(realized === undefined ? {} : { realizedPnl: realized }),
      venueTime: now,
      receivedAt: now,
    };
    history.fills.push(fill);
    if (history.fills.length > this.historyLimit * 2) history.fills.splice(0, history.fills.length - this.historyLimit);
    if (this.historyMaxAgeMs !== undefined) {
      // oldest first: each fill expires once, so the splice is paid once per fill
      const cutoff = now - this.historyMaxAgeMs;
      let expired = 0;
      while (expired < history.fills.length && history.fills[expired]!.venueTime < cutoff) expired++;
      if (expired > 0) history.fills.splice(0, expired);
    }
    const listeners = account.listeners;
    if (listeners !== undefined && listeners.size > 0) {
      for (const l of listeners) l.fill?.(fill);
      this.emitBalances(account, market.spot ? [market.baseAsset, market.quoteAsset] : [market.quoteAsset]);
      if (!market.spot) {
        const position = this.positionOf(account, market.symbol);
        for (const l of listeners) l.position?.(position);
      }
    }
  }

  /** Market orders reserve nothing up front: each step checks what the account can pay for. */
  private affordableMarketLots(market: SymbolMarket, taker: RestingOrder, priceTicks: number, lots: number): number {
    const account = this.accounts[taker.account]!;
    const inst = market.inst;
    if (market.spot) {
      if (taker.side === 'sell') return Math.min(lots, Number(fx.divInt(account.free(inst.base), inst.lot, 'floor')));
      const rate = fx.max(0n, (account.fees ?? this.defaultFees).taker);
      const perLot = fx.mul(inst.notional(priceTicks, 1), fx.ONE + rate, 'ceil');
      return Math.min(lots, Number(fx.divInt(account.free(inst.quote), perLot, 'floor')));
    }
    if (taker.reduceOnly) return Math.min(lots, Math.abs(account.position(inst.symbol).qtyLots));
    const available = this.marginSummaryOf(account, inst.marginAsset).availableBalance;
    const perLot = inst.notional(priceTicks, 1) / BigInt(account.position(inst.symbol).leverage) + 1n;
    const reducing = this.reducingLots(account, inst, taker.side);
    return Math.min(lots, reducing + Number(fx.divInt(available, perLot, 'floor')));
  }

  // ---------------------------------------------------------------- order bookkeeping

  private findOpen(account: Account, ref: { clientOrderId?: string; venueOrderId?: string }): RestingOrder | undefined {
    if (ref.venueOrderId !== undefined) {
      const o = this.openByVenueId(ref.venueOrderId);
      return o !== undefined && o.account === account.index ? o : undefined;
    }
    if (ref.clientOrderId !== undefined) return account.open.get(ref.clientOrderId);
    return undefined;
  }

  private openByVenueId(venueOrderId: string): RestingOrder | undefined {
    let index = this.openById;
    if (index === undefined) {
      index = new Map();
      for (const account of this.accounts) {
        for (const order of account.open.values()) index.set(order.venueOrderId, order);
      }
      this.openById = index;
    }
    return index.get(venueOrderId);
  }

  private rememberOpen(account: Account, order: RestingOrder): void {
    account.open.set(order.clientOrderId, order);
    this.openById?.set(order.venueOrderId, order);
    account.openOrderCount++;
    if (order.reduceOnly) account.reduceOnlyOpen++;
  }

  private forgetOpen(account: Account, order: RestingOrder): void {
    if (account.open.remove(order)) {
      account.openOrderCount--;
      if (order.reduceOnly) account.reduceOnlyOpen--;
    }
    this.openById?.delete(order.venueOrderId);
  }

  private removeResting(order: RestingOrder, status: 'canceled' | 'expired', reason: string, wantView: boolean): VenueOrder | undefined {
    const account = this.accounts[order.account]!;
    const market = this.marketOf(order.symbol);
    market.engine.remove(order);
    this.forgetOpen(account, order);
    this.releaseLock(account, market, order);
    order.updatedAt = this.clock.now();
    return this.closeOrder(account, order, status, reason, wantView);
  }

  /** Records a finished order and tells its account; the view is built only if someone needs it. */
  private closeOrder(account: Account, order: RestingOrder, status: VenueOrderStatus, reason: string | undefined, wantView: boolean): VenueOrder | undefined {
    const history = account.history;
    if (history === undefined) return wantView ? this.toVenueOrder(order, status, reason) : undefined;
    const venueOrder = this.toVenueOrder(order, status, reason);
    history.orders.set(order.venueOrderId, venueOrder);
    history.clientIndex.set(order.clientOrderId, order.venueOrderId);
    const cutoff = this.historyMaxAgeMs === undefined ? undefined : this.clock.now() - this.historyMaxAgeMs;
    if (cutoff !== undefined || history.orders.size > this.historyLimit) {
      // in the order they closed: the first entry is the oldest
      for (const [oldest, old] of history.orders) {
        if (history.orders.size <= this.historyLimit && (cutoff === undefined || old.updatedAt >= cutoff)) break;
        history.orders.delete(oldest);
        if (history.clientIndex.get(old.clientOrderId) === oldest) history.clientIndex.delete(old.clientOrderId);
      }
    }
    this.emitOrder(account, venueOrder);
    return venueOrder;
  }

  private cancelStaleReduceOnly(account: Account, market: SymbolMarket): void {
    if (account.reduceOnlyOpen === 0) return;
    for (const order of [...account.open.values()]) {
      if (order.symbol === market.symbol && order.reduceOnly && this.reducingLots(account, market.inst, order.side) === 0) {
        this.removeResting(order, 'expired', 'reduce-only order no longer reduces the position', false);
      }
    }
  }

  private reject(error: EngineError): SubmitResult {
    this.counters.ordersRejected++;
    return { ok: false, error };
  }

  // ---------------------------------------------------------------- lookups

  private account(name: string): Account {
    const account = this.accountsByName.get(name);
    if (account === undefined) throw new EngineError('INVALID_ARGUMENT', `unknown simulated account "${name}"`);
    return account;
  }

  private findMarket(symbol: string): SymbolMarket | undefined {
    const last = this.lastMarket;
    if (last !== undefined && last.symbol === symbol) return last;
    const market = this.markets.get(symbol);
    if (market !== undefined) this.lastMarket = market;
    return market;
  }

  private market(symbol: string): SymbolMarket {
    const market = this.findMarket(symbol);
    if (market === undefined) throw new EngineError('UNKNOWN_SYMBOL', `unknown symbol "${symbol}" on the simulated exchange`, { details: { symbol } });
    return market;
  }

  /** The market of a symbol known to exist (an order's). */
  private marketOf(symbol: string): SymbolMarket {
    return this.findMarket(symbol)!;
  }

  /** The account's view of a market, made on first use. */
  private view(account: Account, market: SymbolMarket): AccountMarket {
    let view = account.markets[market.index];
    if (view === undefined || view.owner !== market) {
      view = new AccountMarket(market);
      account.markets[market.index] = view;
    }
    return view;
  }

  private feesOf(account: Account, market: SymbolMarket, view: AccountMarket): FeeConstants {
    const schedule = account.fees ?? this.defaultFees;
    if (view.feeSchedule !== schedule || view.fees === undefined) {
      view.feeSchedule = schedule;
      view.fees = market.fees(schedule);
    }
    return view.fees;
  }

  // ---------------------------------------------------------------- perps: margin, funding, ADL

  private checkMargins(inst: Instrument): void {
    for (const account of this.accounts) {
      if (account === this.insurance || account.positions.size === 0) continue;
      const pos = account.positions.get(inst.symbol);
      if (pos === undefined || pos.qtyLots === 0) continue;
      const summary = this.marginSummaryOf(account, inst.marginAsset);
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
    for (const order of [...account.open.values()]) {
      if (this.instrumentMap.get(order.symbol)!.kind === 'perp') this.removeResting(order, 'canceled', 'liquidation', false);
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
      const listeners = account.listeners;
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
      const book = this.marketOf(inst.symbol).book;
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
      const payers: { account: Account; amount: Fixed }[] = [];
      for (const account of this.accounts) {
        const pos = account.positions.get(inst.symbol);
        if (pos === undefined || pos.qtyLots === 0) continue;
        const amount = fx.mul(BigInt(Math.sign(pos.qtyLots)) * inst.notionalAt(mark, Math.abs(pos.qtyLots)), rate, 'trunc');
        account.balance(inst.marginAsset).total -= amount;
        if (amount > 0n) paid += amount;
        else received -= amount;
        payers.push({ account, amount });
      }
      this.insurance.balance(inst.marginAsset).total += paid - received;
      if (payers.length === 0) continue;
      // one id per symbol and run, shared by every account's report of it
      const id = this.flowId(`funding:${inst.symbol}`);
      for (const { account, amount } of payers) {
        if (!this.hasListeners(account)) continue;
        // a payment truncated to nothing moved no money: balances only, no cash flow
        this.emitBalances(account, [inst.marginAsset], amount === 0n ? undefined : this.cashFlow('funding', id, inst.symbol, inst.marginAsset, -amount));
      }
    }
  }

  /** `<prefix>:<time>`, and `<prefix>:<time>:<n>` for the n-th further one with that prefix in the same millisecond. */
  private flowId(prefix: string): string {
    const now = this.clock.now();
    if (now !== this.flowTime) {
      this.flowTime = now;
      this.flowsAtTime.clear();
    }
    const n = this.flowsAtTime.get(prefix) ?? 0;
    this.flowsAtTime.set(prefix, n + 1);
    return n === 0 ? `${prefix}:${now}` : `${prefix}:${now}:${n}`;
  }

  private cashFlow(kind: CashFlow['kind'], id: string, symbol: string | undefined, asset: string, amount: Fixed): CashFlow {
    const now = this.clock.now();
    return { kind, id, symbol, asset, amount, venueTime: now, receivedAt: now };
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

  private marginSummaryOf(account: Account, asset: string): MarginSummary {
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

  private balanceOf(account: Account, asset: string): Balance {
    const b = account.balance(asset);
    const isMargin = [...account.positions.keys()].some((s) => this.instrumentMap.get(s)?.marginAsset === asset);
    if (!isMargin) return { asset, total: b.total, locked: b.locked, free: b.total - b.locked };
    const summary = this.marginSummaryOf(account, asset);
    return { asset, total: b.total, locked: summary.initialMargin, free: summary.availableBalance };
  }

  private positionOf(account: Account, symbol: string): Position {
    const pos = account.position(symbol);
    const inst = this.instrument(symbol);
    const mark = this.markPrice(symbol);
    const summary = this.marginSummaryOf(account, inst.marginAsset);
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
    const listeners = account.listeners;
    if (listeners === undefined) return;
    for (const l of listeners) l.order?.(order);
  }

  private emitBalances(account: Account, assets: readonly string[], cashFlow?: CashFlow): void {
    const listeners = account.listeners;
    if (listeners === undefined || listeners.size === 0) return;
    const balances = assets.map((a) => this.balanceOf(account, a));
    for (const l of listeners) l.balances?.(balances, cashFlow);
  }

  private hasListeners(account: Account): boolean {
    return account.listeners !== undefined && account.listeners.size > 0;
  }

  private emitRisk(account: Account, event: SimRiskEvent): void {
    const listeners = account.listeners;
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
    // whoever holds the raw accounts may replace balance or position objects: drop the views
    // that point at them (they are rebuilt on the next order)
    for (const account of this.accounts) account.markets.length = 0;
    return {
      accounts: this.accounts,
      tracked: this.tracked,
      marks: this.marks,
      setSequences: (order, trade) => {
        this.orderSeq = order;
        this.tradeSeq = trade;
      },
      restOrder: (order) => {
        this.marketOf(order.symbol).engine.rest(order);
        this.rememberOpen(this.accounts[order.account]!, order);
      },
    };
  }
}

/** The mid of a market's book (exact; half a tick allowed), undefined while a side is empty. */
function bookMid(market: SymbolMarket): Fixed | undefined {
  const bid = market.book.bids.bestPrice();
  const ask = market.book.asks.bestPrice();
  if (bid === undefined || ask === undefined) return undefined;
  return (market.inst.ticksToFixed(bid) + market.inst.ticksToFixed(ask)) / 2n;
}

function statusOf(order: RestingOrder): VenueOrderStatus {
  return order.filledLots > 0 ? 'partially_filled' : 'open';
}

function freeOf(balance: AssetBalance | undefined): Fixed {
  return balance === undefined ? 0n : balance.total - balance.locked;
}

/** Whether instrument.validateOrder refuses the order (the slow, exact check behind plainlyValid). */
function breaksInstrumentRule(inst: Instrument, priceTicks: number | undefined, qtyLots: number): boolean {
  try {
    inst.validateOrder(priceTicks, qtyLots);
    return false;
  } catch {
    return true;
  }
}

function insufficient(message: string): EngineError {
  return outcomeError('INSUFFICIENT_BALANCE', message);
}
