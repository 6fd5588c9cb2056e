// The rest of the market, around the bots: background makers quoting a ladder around the
// fair price (with random churn), noise takers arriving as a Poisson process, and informed
// flow: takers who know where the price is going and arbitrageurs who pick off quotes left
// behind by a price move. That last part is what makes a market maker's PnL honest.
//
// These participants are synthetic, so they compute their prices from the floating-point
// fair price; only our bots' prices follow the exact tick rules.
import { fx } from '@mm/core';
import type { Clock, Instrument, OrderRequest, Rng, Side, TimerHandle } from '@mm/core';
import type { SimExchange } from './exchange.ts';
import { Ladder } from './ladder.ts';
import { PricePath } from './price-path.ts';
import type { PathStep, PricePathConfig } from './price-path.ts';

export interface LiquidityConfig {
  /** Levels per side. */
  readonly levels: number;
  /** Distance of the innermost level from the fair price, in basis points. */
  readonly innerBps: number;
  /** Distance between levels, in basis points. */
  readonly stepBps: number;
  /** Median order value per level, in quote units (log-normal sizes). */
  readonly medianNotional: number;
  readonly sizeSigma: number;
  /** Random cancel-and-replace events per second. */
  readonly churnPerSecond: number;
  /** How long the makers take to re-centre after a price move. */
  readonly reactionMs: number;
}

export interface TakerConfig {
  readonly perSecond: number;
  readonly medianNotional: number;
  readonly sizeSigma: number;
  /** Share of takers who trade in the direction of the price `informedLeadMs` ahead. */
  readonly informedShare: number;
  readonly informedLeadMs: number;
  /** Buy probability of uninformed takers. */
  readonly buyShare: number;
  /** A taker's limit: this far through the fair price, in basis points. */
  readonly maxSlippageBps: number;
}

export interface ArbitrageConfig {
  /** Quotes this far on the wrong side of the fair price get taken. 0 disables. */
  readonly thresholdBps: number;
  readonly reactionMs: number;
}

export interface MarketSimConfig {
  readonly symbol: string;
  readonly path: PricePathConfig;
  readonly liquidity?: Partial<LiquidityConfig>;
  readonly takers?: Partial<TakerConfig>;
  readonly arbitrage?: Partial<ArbitrageConfig>;
}

export const DEFAULT_LIQUIDITY: LiquidityConfig = { levels: 12, innerBps: 12, stepBps: 8, medianNotional: 400, sizeSigma: 0.6, churnPerSecond: 2, reactionMs: 600 };
export const DEFAULT_TAKERS: TakerConfig = { perSecond: 0.5, medianNotional: 150, sizeSigma: 0.9, informedShare: 0.15, informedLeadMs: 20_000, buyShare: 0.5, maxSlippageBps: 40 };
export const DEFAULT_ARBITRAGE: ArbitrageConfig = { thresholdBps: 8, reactionMs: 250 };

const SIDES: readonly Side[] = ['buy', 'sell'];
/** Levels an arbitrageur looks through. */
const ARBITRAGE_DEPTH = 50;
/** The simulator's timers never await anything, so the clock need not wait for promises. */
const PURE = { pure: true } as const;

export class MarketSimulator {
  readonly symbol: string;
  /** Events this simulator generated (price steps, orders, cancels), for throughput figures. */
  events = 0;

  private readonly inst: Instrument;
  private readonly tick: number;
  private readonly path: PricePath;
  private readonly liquidity: LiquidityConfig;
  private readonly takers: TakerConfig;
  private readonly arbitrage: ArbitrageConfig;
  private readonly makerAccount: string;
  private readonly takerAccount: string;
  private readonly arbAccount: string;
  private readonly rngLiquidity: Rng;
  private readonly rngTakers: Rng;
  private fair: number;
  private requotePending = false;
  private running = false;
  private seq = 0;
  /** Our background ladder, per side. */
  private readonly ladder: Record<Side, Ladder> = { buy: new Ladder(), sell: new Ladder() };
  /** Scratch for requote: the ladder prices wanted at the current fair price, without repeats. */
  private readonly wanted: Record<Side, number[]> = { buy: [], sell: [] };
  // One pending timer per activity (arbitrage sweeps can overlap: first in, first out). The
  // callbacks are bound once; per-timer closures and a set of handles would be garbage on
  // every simulated event.
  private stepTimer: TimerHandle | undefined;
  private requoteTimer: TimerHandle | undefined;
  private churnTimer: TimerHandle | undefined;
  private takerTimer: TimerHandle | undefined;
  private readonly sweepTimers: TimerHandle[] = [];
  /** The path step the step timer is waiting for. */
  private pendingStep: PathStep | undefined;

  constructor(
    private readonly exchange: SimExchange,
    private readonly clock: Clock,
    rng: Rng,
    config: MarketSimConfig,
  ) {
    this.symbol = config.symbol;
    this.inst = exchange.instrument(config.symbol);
    this.tick = Number(this.inst.tickSize);
    this.liquidity = { ...DEFAULT_LIQUIDITY, ...config.liquidity };
    this.takers = { ...DEFAULT_TAKERS, ...config.takers };
    this.arbitrage = { ...DEFAULT_ARBITRAGE, ...config.arbitrage };
    this.path = new PricePath(config.path, rng.fork(`${config.symbol}/path`), clock.now());
    this.rngLiquidity = rng.fork(`${config.symbol}/liquidity`);
    this.rngTakers = rng.fork(`${config.symbol}/takers`);
    this.fair = this.path.priceAt(clock.now());
    this.makerAccount = `${config.symbol}:background-makers`;
    this.takerAccount = `${config.symbol}:noise-takers`;
    this.arbAccount = `${config.symbol}:arbitrageurs`;
    for (const name of [this.makerAccount, this.takerAccount, this.arbAccount]) {
      if (!exchange.hasAccount(name)) {
        exchange.createAccount(name, { track: false, stpMode: 'expire_taker' });
        this.fund(name);
      }
    }
  }

  get fairPrice(): number {
    return this.fair;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.applyFair(this.fair);
    this.requote();
    this.scheduleNextStep();
    this.scheduleChurn();
    if (!this.path.isReplay || this.takers.perSecond > 0) this.scheduleTaker();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimer(this.stepTimer);
    this.clock.clearTimer(this.requoteTimer);
    this.clock.clearTimer(this.churnTimer);
    this.clock.clearTimer(this.takerTimer);
    for (const t of this.sweepTimers) this.clock.clearTimer(t);
    this.stepTimer = this.requoteTimer = this.churnTimer = this.takerTimer = undefined;
    this.sweepTimers.length = 0;
    // the pending requote is gone with its timer; a restart must be able to schedule one again
    this.requotePending = false;
  }

  // ---------------------------------------------------------------- fair price

  private scheduleNextStep(): void {
    const step = this.path.next();
    if (step === undefined) return; // a replay that has ended
    this.pendingStep = step;
    this.stepTimer = this.clock.setTimeout(this.onStep, Math.max(0, step.time - this.clock.now()), PURE);
  }

  private readonly onStep = (): void => {
    this.stepTimer = undefined;
    const step = this.pendingStep;
    if (!this.running || step === undefined) return;
    this.events++;
    this.applyFair(step.price);
    if (step.trade !== undefined) this.replayTrade(step.trade.side, step.trade.qty);
    if (!this.requotePending) {
      this.requotePending = true;
      this.requoteTimer = this.clock.setTimeout(this.onRequote, this.liquidity.reactionMs * (0.5 + this.rngLiquidity.next()), PURE);
    }
    if (this.arbitrage.thresholdBps > 0) this.sweepTimers.push(this.clock.setTimeout(this.onSweep, this.arbitrage.reactionMs, PURE));
    this.scheduleNextStep();
  };

  private readonly onRequote = (): void => {
    this.requoteTimer = undefined;
    if (!this.running) return;
    this.requotePending = false;
    this.requote();
  };

  private readonly onSweep = (): void => {
    // sweeps share one delay, so they fire in the order they were scheduled
    this.sweepTimers.shift();
    if (this.running) this.arbitrageSweep();
  };

  private applyFair(price: number): void {
    this.fair = price;
    if (this.inst.kind === 'perp') this.exchange.setMarkPrice(this.symbol, fx.parse(price.toFixed(18)));
  }

  // ---------------------------------------------------------------- background makers

  /** Re-centres the ladder: keeps levels still wanted (they keep their queue place), replaces the rest. */
  private requote(): void {
    const buy = this.wanted.buy;
    const sell = this.wanted.sell;
    buy.length = 0;
    sell.length = 0;
    for (let i = 0; i < this.liquidity.levels; i++) {
      const offset = (this.liquidity.innerBps + i * this.liquidity.stepBps) / 10_000;
      addOnce(buy, Math.floor((this.fair * (1 - offset)) / this.tick));
      addOnce(sell, Math.ceil((this.fair * (1 + offset)) / this.tick));
    }
    // ask the exchange about the orders we placed instead of listing every open order
    for (const side of SIDES) {
      const ladder = this.ladder[side];
      const want = this.wanted[side];
      for (let i = 0; i < ladder.size; ) {
        const price = ladder.priceAt(i);
        const id = ladder.idAt(i);
        if (!this.exchange.isOpen(this.makerAccount, this.symbol, id)) {
          ladder.removeAt(i);
        } else if (!want.includes(price)) {
          this.exchange.cancelIfOpen(this.makerAccount, this.symbol, id);
          ladder.removeAt(i);
          this.events++;
        } else {
          i++;
        }
      }
      for (const price of want) {
        if (!ladder.has(price) && price > 0) this.placeMaker(side, price);
      }
    }
  }

  private placeMaker(side: Side, priceTicks: number): void {
    const lots = this.lotsFor(this.rngLiquidity.logNormal(this.liquidity.medianNotional, this.liquidity.sizeSigma), priceTicks);
    const id = `bg${++this.seq}`;
    const status = this.exchange.submitForStatus(this.makerAccount, order(id, this.symbol, side, 'POST_ONLY', priceTicks, lots));
    this.events++;
    if (status === 'open') this.ladder[side].add(priceTicks, id);
  }

  private scheduleChurn(): void {
    if (this.liquidity.churnPerSecond <= 0) return;
    this.churnTimer = this.clock.setTimeout(this.onChurn, this.rngLiquidity.exponential(this.liquidity.churnPerSecond) * 1_000, PURE);
  }

  /** Cancels a random quote of a random side and places it again at the back of its level. */
  private readonly onChurn = (): void => {
    this.churnTimer = undefined;
    if (!this.running) return;
    const side: Side = this.rngLiquidity.bool() ? 'buy' : 'sell';
    const ladder = this.ladder[side];
    if (ladder.size > 0) {
      const i = this.rngLiquidity.int(0, ladder.size - 1);
      const price = ladder.priceAt(i);
      this.exchange.cancelIfOpen(this.makerAccount, this.symbol, ladder.idAt(i));
      ladder.removeAt(i);
      this.events++;
      this.placeMaker(side, price);
    }
    this.scheduleChurn();
  };

  // ---------------------------------------------------------------- takers

  private scheduleTaker(): void {
    if (this.takers.perSecond <= 0) return;
    this.takerTimer = this.clock.setTimeout(this.onTaker, this.rngTakers.exponential(this.takers.perSecond) * 1_000, PURE);
  }

  private readonly onTaker = (): void => {
    this.takerTimer = undefined;
    if (!this.running) return;
    const rng = this.rngTakers;
    let side: Side;
    if (rng.bool(this.takers.informedShare)) {
      const ahead = this.path.priceAt(this.clock.now() + this.takers.informedLeadMs);
      side = ahead >= this.fair ? 'buy' : 'sell';
    } else {
      side = rng.bool(this.takers.buyShare) ? 'buy' : 'sell';
    }
    this.take(this.takerAccount, side, this.lotsFor(rng.logNormal(this.takers.medianNotional, this.takers.sizeSigma), this.fair / this.tick));
    this.scheduleTaker();
  };

  private replayTrade(side: Side, qty: number): void {
    const lots = Math.max(this.inst.minQtyLots, Math.round(qty / Number(this.inst.lotSize)));
    this.take(this.takerAccount, side, lots);
  }

  private take(account: string, side: Side, lots: number): void {
    const slip = this.takers.maxSlippageBps / 10_000;
    const limit = side === 'buy' ? Math.ceil((this.fair * (1 + slip)) / this.tick) : Math.floor((this.fair * (1 - slip)) / this.tick);
    if (limit <= 0) return;
    this.exchange.submitForStatus(account, order(`tk${++this.seq}`, this.symbol, side, 'IOC', limit, lots));
    this.events++;
  }

  /** Takes any quote left on the wrong side of the fair price by more than the threshold. */
  private arbitrageSweep(): void {
    const thr = this.arbitrage.thresholdBps / 10_000;
    const book = this.exchange.book(this.symbol);
    const buyBelow = Math.floor((this.fair * (1 - thr)) / this.tick);
    const sellAbove = Math.ceil((this.fair * (1 + thr)) / this.tick);
    const ask = book.asks.bestPrice();
    if (ask !== undefined && ask <= buyBelow) {
      const lots = book.asks.lotsThrough(buyBelow, ARBITRAGE_DEPTH);
      if (lots > 0) {
        this.exchange.submitForStatus(this.arbAccount, order(`ar${++this.seq}`, this.symbol, 'buy', 'IOC', buyBelow, lots));
        this.events++;
      }
    }
    const bid = book.bids.bestPrice();
    if (bid !== undefined && bid >= sellAbove) {
      const lots = book.bids.lotsThrough(sellAbove, ARBITRAGE_DEPTH);
      if (lots > 0) {
        this.exchange.submitForStatus(this.arbAccount, order(`ar${++this.seq}`, this.symbol, 'sell', 'IOC', sellAbove, lots));
        this.events++;
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private lotsFor(notional: number, priceTicks: number): number {
    const price = priceTicks * this.tick;
    const lots = Math.floor(notional / price / Number(this.inst.lotSize));
    const minByNotional = Math.ceil(Number(this.inst.minNotional) / price / Number(this.inst.lotSize));
    return Math.min(this.inst.maxQtyLots, Math.max(lots, this.inst.minQtyLots, minByNotional));
  }

  private fund(account: string): void {
    // deep pockets: background participants must never be the reason the market stops
    const quoteAsset = this.inst.kind === 'spot' ? this.inst.quote : this.inst.marginAsset;
    this.exchange.deposit(account, quoteAsset, fx.fromInt(1_000_000_000_000));
    if (this.inst.kind === 'spot') {
      const units = Math.max(1, Math.floor(1e12 / Math.max(this.fair, 1e-9)));
      this.exchange.deposit(account, this.inst.base, fx.fromInt(units));
    } else {
      this.exchange.setLeverage(account, this.symbol, 10);
    }
  }
}

function order(id: string, symbol: string, side: Side, tif: 'POST_ONLY' | 'IOC', priceTicks: number, qtyLots: number): OrderRequest {
  return { clientOrderId: id, symbol, side, type: 'limit', timeInForce: tif, priceTicks, qtyLots };
}

/** Appends `value` unless already present: a set that keeps insertion order, for a handful of prices. */
function addOnce(values: number[], value: number): void {
  if (!values.includes(value)) values.push(value);
}
