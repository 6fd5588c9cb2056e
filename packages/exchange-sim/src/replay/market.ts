// One recorded market on the simulated exchange: recorded events in, our fills out. It rebuilds
// the recorded book (book.ts), keeps its copy in the exchange's matching book for our takers
// (liquidity.ts), follows our resting orders through the exchange's order reports and decides
// from the recorded trades and levels when they fill (queue.ts), booking each fill on the
// exchange against the recorded market's account. Events are applied as they come, at the
// clock's time: from a file by the scheduler (player.ts) or pushed one by one from a live feed.
//
// Recorded book semantics: a run of snapshot levels with the same `ts` replaces the book (levels
// it does not name are removed when the run ends); a gap makes the book unknown until the next
// snapshot: no fills, no copy for takers, no book for the bots; diff levels inside it are
// ignored. A recording that starts with diffs needs `startKnown`.
import { EngineError, fx } from '@mm/core';
import type { Fixed, Instrument, VenueOrder } from '@mm/core';
import type { GapEvent, LevelEvent, MarketEvent, TradeEvent } from '@mm/market-data';
import type { SimExchange } from '../exchange.ts';
import { ReplayBook } from './book.ts';
import type { ReplayBookSide, ReplayLevel } from './book.ts';
import { cancelModelOf } from './cancel-model.ts';
import type { QueueModelSpec } from './cancel-model.ts';
import { RecordedGrid } from './grid.ts';
import type { GridCounters } from './grid.ts';
import { LiquidityMirror } from './liquidity.ts';
import { OrderQueue } from './queue.ts';
import type { QueuedOrder } from './queue.ts';

export interface ReplayMarketOptions {
  readonly exchange: SimExchange;
  readonly symbol: string;
  /**
   * The account that stands for the recorded market: the other side of every fill the
   * recording gives us and the owner of the book's copy. Created (untracked, no fees, no
   * self-trade prevention, deeply funded) if missing.
   */
  readonly counterparty?: string;
  /** Which cancel model moves our orders up the queue (default proportional). */
  readonly queueModel?: QueueModelSpec;
  /** Decimal places finer than a lot that recorded sizes are counted in (default 4). */
  readonly subLotDecimals?: number;
  /** Treat the book as known from the first event, for recordings that start with diffs (default false). */
  readonly startKnown?: boolean;
}

export interface ReplayCounters extends GridCounters {
  events: number;
  trades: number;
  levels: number;
  snapshots: number;
  gaps: number;
  /** Diff levels that arrived while the book was unknown (ignored). */
  levelsWhileUnknown: number;
  /** Fills of our resting orders the recorded market gave (trades, trade-throughs, crosses). */
  fills: number;
  filledLots: number;
}

export const RECORDED_MARKET_ACCOUNT = '__recorded_market__';

/** Funds the recorded market's account with, per asset: more than any replay can move. */
const COUNTERPARTY_FUNDS = fx.fromInt(1_000_000_000_000_000);

export class ReplayMarket {
  readonly symbol: string;
  readonly inst: Instrument;
  readonly grid: RecordedGrid;
  /** The recorded book (never changed by our orders). */
  readonly book = new ReplayBook();
  readonly counters: ReplayCounters;
  readonly counterparty: string;
  private readonly exchange: SimExchange;
  private readonly queue: OrderQueue;
  private readonly mirror: LiquidityMirror;
  private readonly unitsPerLot: number;
  /** The snapshot run being applied: its ts, or undefined. */
  private runTs: number | undefined = undefined;
  private run = 0;
  private tradeSeq = 0;
  private readonly tracked = new Map<string, () => void>();

  constructor(options: ReplayMarketOptions) {
    const exchange = options.exchange;
    this.exchange = exchange;
    this.symbol = options.symbol;
    this.inst = exchange.instrument(options.symbol);
    this.grid = new RecordedGrid(this.inst, options.subLotDecimals ?? 4);
    this.unitsPerLot = this.grid.unitsPerLot;
    this.counters = Object.assign(this.grid.counters, { events: 0, trades: 0, levels: 0, snapshots: 0, gaps: 0, levelsWhileUnknown: 0, fills: 0, filledLots: 0 });
    this.counterparty = options.counterparty ?? RECORDED_MARKET_ACCOUNT;
    ensureCounterparty(exchange, this.counterparty, this.inst);
    this.mirror = new LiquidityMirror(exchange.book(this.symbol), this.symbol, exchange.accountIndex(this.counterparty), this.unitsPerLot);
    this.queue = new OrderQueue(cancelModelOf(options.queueModel), this.unitsPerLot, (order, lots) => this.fillOurs(order, lots));
    this.book.known = options.startKnown ?? false;
  }

  // ---------------------------------------------------------------- our orders

  /** Follows the account's orders on this symbol (call once per account that trades here). */
  track(account: string): void {
    if (this.tracked.has(account)) return;
    if (!this.exchange.hasAccount(account)) throw new EngineError('INVALID_ARGUMENT', `unknown simulated account "${account}"`);
    this.tracked.set(account, this.exchange.listen(account, { order: (order) => this.onOrder(account, order) }));
    // orders already resting join at the back of their level
    for (const order of this.exchange.openOrders(account, this.symbol)) this.onOrder(account, order);
  }

  untrack(account: string): void {
    this.tracked.get(account)?.();
    this.tracked.delete(account);
  }

  /** The recorded units ahead of one of our orders, in lots (undefined: not resting, Infinity: book unknown). */
  queueAhead(venueOrderId: string): number | undefined {
    const order = this.queue.get(venueOrderId);
    return order === undefined ? undefined : order.ahead / this.unitsPerLot;
  }

  // ---------------------------------------------------------------- recorded events

  /** Applies one recorded event now. */
  apply(event: MarketEvent): void {
    this.counters.events++;
    if (event.kind === 'level') {
      if (event.snapshot) this.snapshotLevel(event);
      else {
        if (this.runTs !== undefined) this.endRun();
        this.diffLevel(event);
      }
      return;
    }
    if (this.runTs !== undefined) this.endRun();
    if (event.kind === 'trade') this.trade(event);
    else this.gap(event);
  }

  /** Ends a snapshot run still being applied (the scheduler calls it after each batch of events). */
  flush(): void {
    if (this.runTs !== undefined) this.endRun();
  }

  /** The recorded mid (exact; half a tick allowed), undefined while the book is unknown or one side empty. */
  mid(): Fixed | undefined {
    if (!this.book.known) return undefined;
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    if (bid === undefined || ask === undefined) return undefined;
    return (this.inst.ticksToFixed(bid) + this.inst.ticksToFixed(ask)) / 2n;
  }

  private diffLevel(event: LevelEvent): void {
    this.counters.levels++;
    if (!this.book.known) {
      this.counters.levelsWhileUnknown++;
      return;
    }
    const price = this.grid.ticks(event.price);
    const units = this.grid.units(event.qty);
    if (price !== price || units !== units) return;
    this.setLevel(event.side === 'bid', price, units);
  }

  private snapshotLevel(event: LevelEvent): void {
    this.counters.levels++;
    if (this.runTs !== event.ts) {
      if (this.runTs !== undefined) this.endRun();
      this.runTs = event.ts;
      this.run++;
      this.counters.snapshots++;
      this.book.known = true;
    }
    const price = this.grid.ticks(event.price);
    const units = this.grid.units(event.qty);
    if (price !== price || units !== units) return;
    this.setLevel(event.side === 'bid', price, units);
  }

  /** The run is complete: levels it did not name are gone, and no queue ahead exceeds its level. */
  private endRun(): void {
    this.runTs = undefined;
    for (const isBid of [true, false]) {
      const side = isBid ? this.book.bids : this.book.asks;
      const stale = side.levels().filter((level) => level.run !== this.run);
      for (const level of stale) this.setLevel(isBid, level.priceTicks, 0);
    }
    if (this.queue.size > 0) this.queue.clampToBook((isBid, price) => (isBid ? this.book.bids : this.book.asks).unitsAt(price));
  }

  private gap(_event: GapEvent): void {
    this.counters.gaps++;
    this.book.known = false;
    this.clearSide(this.book.bids);
    this.clearSide(this.book.asks);
  }

  private clearSide(side: ReplayBookSide): void {
    for (const level of side.clear()) this.mirror.drop(level, side.isBid);
  }

  private trade(event: TradeEvent): void {
    this.counters.trades++;
    const price = this.grid.ticks(event.price);
    const units = this.grid.units(event.qty);
    if (price !== price || units !== units || units === 0) return;
    if (this.book.known && this.queue.size > 0) this.queue.onTrade(event.side, price, units);
    if (!this.exchange.hasPublicListeners) return;
    const lots = Math.floor(units / this.unitsPerLot);
    if (lots === 0) return;
    const now = this.exchange.clock.now();
    this.exchange.publishTrade({
      symbol: this.symbol,
      // prefixed: a recorded id must never read as one of the exchange's own trade numbers
      tradeId: event.id === undefined ? `rec:${++this.tradeSeq}` : `rec-${event.id}`,
      priceTicks: price,
      qtyLots: lots,
      takerSide: event.side,
      venueTime: Math.ceil(event.ts),
      receivedAt: now,
    });
  }

  /** One recorded level set to `units` (0 removes it). */
  private setLevel(isBid: boolean, price: number, units: number): void {
    const side = isBid ? this.book.bids : this.book.asks;
    let level: ReplayLevel | undefined = side.find(price);
    const prev = level === undefined ? 0 : level.units;
    if (level !== undefined) {
      level.run = this.run;
      this.mirror.absorb(level);
    }
    if (units === prev) return;
    if (this.queue.size > 0) this.queue.onLevelChange(isBid, price, prev, units);
    if (level === undefined) {
      level = side.insert(price, units);
      level.run = this.run;
    } else if (units === 0) {
      this.mirror.drop(level, isBid);
      side.remove(level);
      return;
    } else {
      // what our takers took was the front of the level: it leaves first
      if (units < prev) level.consumed = Math.max(0, level.consumed - (prev - units));
      level.units = units;
      if (level.consumed > units) level.consumed = units;
    }
    // this side's book now reaching our resting orders on the other side fills them
    const visible = units - level.consumed;
    if (visible > 0 && this.queue.size > 0 && this.queue.crossed(!isBid, price)) level.consumed += this.queue.onCross(!isBid, price, visible);
    this.mirror.sync(level, isBid);
  }

  // ---------------------------------------------------------------- exchange side

  private onOrder(account: string, report: VenueOrder): void {
    if (report.symbol !== this.symbol) return;
    const queued = this.queue.get(report.venueOrderId);
    const status = report.status;
    if (status !== 'open' && status !== 'partially_filled') {
      if (queued !== undefined) this.queue.remove(queued);
      return;
    }
    if (report.type !== 'limit') return;
    const isBid = report.side === 'buy';
    if (queued === undefined) {
      this.queue.place(
        { account, clientOrderId: report.clientOrderId, venueOrderId: report.venueOrderId, isBid, priceTicks: report.priceTicks, qtyLots: report.qtyLots, filledLots: report.filledLots },
        this.aheadAt(isBid, report.priceTicks),
      );
      return;
    }
    queued.filledLots = report.filledLots;
    // the exchange's amend rule: a smaller size at the same price keeps the place; anything else is a new place
    if (report.priceTicks !== queued.priceTicks || report.qtyLots > queued.qtyLots) {
      this.queue.requeue(queued, report.priceTicks, report.qtyLots, this.aheadAt(isBid, report.priceTicks));
    } else {
      queued.qtyLots = report.qtyLots;
    }
  }

  /** The recorded units a new order of ours at this price queues behind. */
  private aheadAt(isBid: boolean, price: number): number {
    if (!this.book.known) return Number.POSITIVE_INFINITY;
    const level = (isBid ? this.book.bids : this.book.asks).find(price);
    return level === undefined ? 0 : Math.max(0, level.units - level.consumed);
  }

  private fillOurs(order: QueuedOrder, lots: number): number {
    const filled = this.exchange.fillResting(order.account, this.symbol, order.clientOrderId, lots, this.counterparty);
    if (filled > 0) {
      this.counters.fills++;
      this.counters.filledLots += filled;
    }
    return filled;
  }
}

function ensureCounterparty(exchange: SimExchange, name: string, inst: Instrument): void {
  if (!exchange.hasAccount(name)) {
    exchange.createAccount(name, { track: false, stpMode: 'none', fees: { maker: 0n, taker: 0n } });
  }
  const held = new Set(exchange.balances(name).map((b) => b.asset));
  for (const asset of new Set([inst.base, inst.quote, inst.marginAsset])) {
    if (!held.has(asset)) exchange.deposit(name, asset, COUNTERPARTY_FUNDS);
  }
}
