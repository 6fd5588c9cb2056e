// Recorded-market replay benchmarks: events per second through the recorded book, its copy in
// the exchange's matching book and the queue model, with 20 of our orders resting near the
// touch (re-placed as they fill, the way a quoting bot keeps its grid), from an in-memory
// recording of ~1M events (trades and level updates around a random walk). Once applied
// directly, once played on a SimClock by the scheduler (one timer per distinct timestamp).
import { SimClock, fx } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { EventPlayer, ReplayMarket, SimExchange, syntheticRecording } from '@mm/exchange-sim';
import type { MarketEvent } from '@mm/market-data';
import type { Benchmark } from './types.ts';

const INST: InstrumentDef = { symbol: 'RPLYUSDT', base: 'RPLY', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', minQty: '0.001', minNotional: '0' };
const EVENTS = 1_000_000;
const RESTING = 20;
/** How often (in events) the quoting loop tops its orders back up to RESTING. */
const REQUOTE_EVERY = 500;
const START = Date.UTC(2026, 0, 1);

function recording(): MarketEvent[] {
  return syntheticRecording({ instrument: INST, seed: 42, start: START, events: EVENTS, startBid: '2500.00', eventsPerSecond: 200, depth: 50, medianLots: 400 });
}

interface World {
  clock: SimClock;
  exchange: SimExchange;
  market: ReplayMarket;
  /** Tops the orders back up to RESTING near the touch. */
  quote: () => void;
  /** Our orders resting after the last top-up. */
  resting: () => number;
}

/** A fresh exchange and market, with two quoting accounts keeping RESTING orders near the touch. */
function world(): World {
  const clock = new SimClock(START);
  const exchange = new SimExchange({ clock, instruments: [INST], fundingIntervalMs: 0, maxOpenOrdersPerAccount: 1000 });
  const accounts = ['a', 'b'];
  for (const name of accounts) {
    exchange.createAccount(name, { stpMode: 'expire_taker' });
    exchange.deposit(name, 'USDT', fx.fromInt(1_000_000_000));
    exchange.deposit(name, 'RPLY', fx.fromInt(1_000_000));
  }
  const market = new ReplayMarket({ exchange, symbol: INST.symbol });
  for (const name of accounts) market.track(name);
  let seq = 0;
  // the harness's own record of its orders, so topping up builds no order views
  const mine = accounts.map(() => [] as { id: string; side: 'buy' | 'sell'; priceTicks: number }[]);
  const quote = (): void => {
    const bid = market.book.bestBid();
    const ask = market.book.bestAsk();
    if (bid === undefined || ask === undefined) return;
    for (const [i, name] of accounts.entries()) {
      // keep what still rests within 12 ticks of the touch, cancel what drifted further
      const kept = mine[i]!.filter((o) => {
        if (!exchange.isOpen(name, INST.symbol, o.id)) return false;
        const distance = o.side === 'buy' ? bid - o.priceTicks : o.priceTicks - ask;
        if (distance <= 12 && distance >= 0) return true;
        exchange.cancelIfOpen(name, INST.symbol, o.id);
        return false;
      });
      const want = RESTING / accounts.length / 2;
      for (const side of ['buy', 'sell'] as const) {
        const have = new Set(kept.filter((o) => o.side === side).map((o) => o.priceTicks));
        for (let k = 0, placed = have.size; placed < want && k < 12; k++) {
          // the two accounts on alternate ticks, joining recorded levels at and behind the touch
          const priceTicks = side === 'buy' ? bid - 2 * k - i : ask + 2 * k + i;
          if (have.has(priceTicks)) continue;
          const id = `${name}${++seq}`;
          const status = exchange.submitForStatus(name, { clientOrderId: id, symbol: INST.symbol, side, type: 'limit', timeInForce: 'POST_ONLY', priceTicks, qtyLots: 50 });
          if (status === 'open') {
            kept.push({ id, side, priceTicks });
            placed++;
          }
        }
      }
      mine[i] = kept;
    }
  };
  const resting = (): number => mine.reduce((n, list) => n + list.length, 0);
  return { clock, exchange, market, quote, resting };
}

function runDirect(events: readonly MarketEvent[]): { seconds: number; w: World; resting: number } {
  const w = world();
  const { market, quote, clock } = w;
  let restingSum = 0;
  let samples = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    // the exchange stamps fills with the clock's time; the player would have moved it here
    if (e.ts > clock.now()) clock.runUntilSync(Math.ceil(e.ts));
    market.apply(e);
    if (i % REQUOTE_EVERY === 0) {
      market.flush();
      quote();
      restingSum += w.resting();
      samples++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, w, resting: restingSum / samples };
}

function runPlayed(events: readonly MarketEvent[]): { seconds: number; w: World } {
  const w = world();
  const player = new EventPlayer(w.clock, events, w.market);
  player.start();
  w.clock.setInterval(() => w.quote(), 1000, { pure: true });
  const start = process.hrtime.bigint();
  w.clock.runUntilSync(Math.ceil(events[events.length - 1]!.ts) + 1);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!player.done) throw new Error('the player did not reach the end of the recording');
  return { seconds, w };
}

export const replayBenchmarks: Benchmark[] = [
  {
    name: 'replay.apply',
    description: `recorded events applied to a ReplayMarket (book, matching-book copy, queue model) with ${RESTING} of our orders resting near the touch (~1M events per run)`,
    prepare: recording,
    run: (prepared) => {
      const events = prepared as MarketEvent[];
      const { seconds, w, resting } = runDirect(events);
      return {
        'replay.apply_events_per_s': events.length / seconds,
        'replay.apply_fills_per_run': w.market.counters.fills,
        'replay.apply_resting_orders_avg': resting,
        'replay.apply_self_trades': w.exchange.counters.selfTrades,
      };
    },
  },
  {
    name: 'replay.played',
    description: 'the same recording played on a SimClock by the EventPlayer (one timer per timestamp), quotes topped up every simulated second',
    runs: 3,
    prepare: recording,
    run: (prepared) => {
      const events = prepared as MarketEvent[];
      const { seconds, w } = runPlayed(events);
      return { 'replay.played_events_per_s': events.length / seconds, 'replay.played_fills_per_run': w.market.counters.fills };
    },
  },
];
