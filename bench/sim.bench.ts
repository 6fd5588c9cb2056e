// Simulated exchange benchmarks: the matching core alone, the full exchange (validation, locks,
// fees, balances) on the same flow, self-trade prevention over a long run, and the market
// simulator with matching.
import { Rng, SimClock, fx } from '@mm/core';
import type { InstrumentDef, OrderRequest } from '@mm/core';
import { MarketSimulator, MatchingBook, MatchingEngine, SimExchange, newRestingOrder } from '@mm/exchange-sim';
import type { RestingOrder, Settlement } from '@mm/exchange-sim';
import type { Benchmark } from './types.ts';

const SPOT: InstrumentDef = { symbol: 'BNCHUSDT', base: 'BNCH', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.01', minQty: '0.01', minNotional: '0' };
const ACCOUNTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

interface Op {
  readonly cancel: boolean;
  readonly account: string;
  /** Index of `account` in ACCOUNTS, the matching core's account number. */
  readonly accountIndex: number;
  readonly request: OrderRequest;
}

/** Pre-generates the flow so only matching is timed: 70 % orders (a third of them crossing), 30 % cancels. */
function makeFlow(n: number, seed: number): Op[] {
  const rng = new Rng(seed);
  const ops: Op[] = [];
  const live: { accountIndex: number; id: string }[] = [];
  for (let i = 0; i < n; i++) {
    if (live.length > 0 && rng.next() < 0.3) {
      const j = rng.int(0, live.length - 1);
      const victim = live[j]!;
      live[j] = live[live.length - 1]!;
      live.pop();
      ops.push({
        cancel: true,
        account: ACCOUNTS[victim.accountIndex]!,
        accountIndex: victim.accountIndex,
        request: { clientOrderId: victim.id, symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'GTC', qtyLots: 1 },
      });
      continue;
    }
    const accountIndex = rng.int(0, ACCOUNTS.length - 1);
    const side = rng.bool() ? 'buy' : 'sell';
    const id = `o${i}`;
    const offset = rng.int(-40, 60);
    const priceTicks = side === 'buy' ? 10_000 - offset : 10_000 + offset;
    ops.push({
      cancel: false,
      account: ACCOUNTS[accountIndex]!,
      accountIndex,
      request: { clientOrderId: id, symbol: SPOT.symbol, side, type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: rng.int(1, 500) },
    });
    live.push({ accountIndex, id });
  }
  return ops;
}

// ------------------------------------------------------------------ the matching core alone

/**
 * The least a settlement must do: count trades and self-trades, and keep the harness's index of
 * open orders (the core's caller must find orders to cancel) in step with fills and STP expiries.
 */
class CountingSettlement implements Settlement {
  trades = 0;
  selfTrades = 0;
  stpPrevented = 0;
  lots = 0;

  constructor(private readonly open: Map<string, RestingOrder>) {}

  trade(maker: RestingOrder, taker: RestingOrder, _priceTicks: number, lots: number): number {
    this.lots += lots;
    if (maker.account === taker.account) this.selfTrades++;
    return ++this.trades;
  }

  afterTrade(maker: RestingOrder, _taker: RestingOrder, _priceTicks: number, _lots: number, makerFilled: boolean): void {
    if (makerFilled) this.open.delete(maker.clientOrderId);
  }

  selfTradePrevented(maker: RestingOrder, _taker: RestingOrder, makerExpired: boolean): void {
    this.stpPrevented++;
    if (makerExpired) this.open.delete(maker.clientOrderId);
  }

  affordableLots(_taker: RestingOrder, _priceTicks: number, lots: number): number {
    return lots;
  }
}

function runCore(ops: readonly Op[]): { seconds: number; settlement: CountingSettlement } {
  const open = new Map<string, RestingOrder>();
  const settlement = new CountingSettlement(open);
  const engine = new MatchingEngine(new MatchingBook(), settlement);
  let seq = 0;
  const start = process.hrtime.bigint();
  for (const op of ops) {
    const request = op.request;
    if (op.cancel) {
      const order = open.get(request.clientOrderId);
      if (order !== undefined) {
        engine.remove(order);
        open.delete(request.clientOrderId);
      }
      continue;
    }
    const order = newRestingOrder({
      seq: ++seq,
      venueOrderId: request.clientOrderId,
      clientOrderId: request.clientOrderId,
      account: op.accountIndex,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      priceTicks: request.priceTicks ?? 0,
      qtyLots: request.qtyLots,
      timeInForce: request.timeInForce,
      stpMode: 'expire_taker',
      reduceOnly: false,
      time: 0,
    });
    const outcome = engine.place(order);
    if (outcome === 'open' || outcome === 'partially_filled') open.set(request.clientOrderId, order);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, settlement };
}

// ------------------------------------------------------------------ the full exchange

function freshExchange(): SimExchange {
  const exchange = new SimExchange({ clock: new SimClock(0), instruments: [SPOT], fundingIntervalMs: 0, maxOpenOrdersPerAccount: 10_000_000 });
  for (const name of ACCOUNTS) {
    exchange.createAccount(name, { stpMode: 'expire_taker', track: false });
    exchange.deposit(name, 'USDT', fx.fromInt(1_000_000_000_000));
    exchange.deposit(name, 'BNCH', fx.fromInt(1_000_000_000_000));
  }
  return exchange;
}

/** The same flow through the public API, as venue adapters and mock servers use it. */
function runExchange(ops: readonly Op[]): { seconds: number; exchange: SimExchange } {
  const exchange = freshExchange();
  const start = process.hrtime.bigint();
  for (const op of ops) {
    if (op.cancel) exchange.cancel(op.account, { symbol: SPOT.symbol, clientOrderId: op.request.clientOrderId });
    else exchange.submit(op.account, op.request);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, exchange };
}

export const simBenchmarks: Benchmark[] = [
  {
    name: 'sim.match',
    description: 'orders and cancels through the matching core: price-time priority, STP, a counting settlement (200k events per run)',
    prepare: () => makeFlow(200_000, 1),
    run: (ops) => {
      const { seconds, settlement } = runCore(ops as Op[]);
      return { 'sim.match_events_per_s': (ops as Op[]).length / seconds, 'sim.match_trades_per_run': settlement.trades };
    },
  },
  {
    name: 'sim.exchange',
    description: 'the same flow through the full SimExchange: validation, locks, fees, balances, results (200k events per run)',
    prepare: () => makeFlow(200_000, 1),
    run: (ops) => {
      const { seconds, exchange } = runExchange(ops as Op[]);
      return { 'sim.exchange_events_per_s': (ops as Op[]).length / seconds, 'sim.exchange_trades_per_run': exchange.counters.trades };
    },
  },
  {
    name: 'sim.self_trades',
    description: 'self-trade counter over a 1,000,000-event run through the full exchange with STP on (8 accounts crossing their own orders)',
    runs: 1,
    prepare: () => makeFlow(1_000_000, 7),
    run: (ops) => {
      const { exchange } = runExchange(ops as Op[]);
      return { 'sim.self_trades_1m_events': exchange.counters.selfTrades, 'sim.stp_prevented_1m_events': exchange.counters.stpPrevented };
    },
  },
  {
    name: 'sim.market',
    description: 'market simulator with matching: 6 simulated hours of a busy market at backtest speed',
    run: () => {
      const clock = new SimClock(Date.UTC(2026, 0, 1));
      const exchange = new SimExchange({ clock, instruments: [SPOT], fundingIntervalMs: 0 });
      const sim = new MarketSimulator(exchange, clock, new Rng(11), {
        symbol: SPOT.symbol,
        path: { kind: 'random-walk', startPrice: 100, dailyVolatility: 0.05, stepMs: 250 },
        liquidity: { churnPerSecond: 10, levels: 20 },
        takers: { perSecond: 5 },
      });
      sim.start();
      const start = process.hrtime.bigint();
      clock.runUntilSync(clock.now() + 6 * 3_600_000);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return { 'sim.market_events_per_s': sim.events / seconds, 'sim.market_trades_per_run': exchange.counters.trades };
    },
  },
];
