import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, SimClock, fx } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { SimExchange } from './exchange.ts';
import { MarketSimulator } from './market.ts';
import type { MarketSimConfig } from './market.ts';
import { parsePriceCsv } from './price-path.ts';

const SPOT: InstrumentDef = { symbol: 'MKTUSDT', base: 'MKT', quote: 'USDT', kind: 'spot', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' };
const PERP: InstrumentDef = { symbol: 'MKTPERP', base: 'MKT', quote: 'USDT', kind: 'perp', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' };
const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

function run(seed: number, config: Partial<MarketSimConfig> = {}, hours = 1) {
  const clock = new SimClock(START);
  const exchange = new SimExchange({ clock, instruments: [SPOT, PERP], recordTrades: true, fundingIntervalMs: 0 });
  const sim = new MarketSimulator(exchange, clock, new Rng(seed), {
    symbol: SPOT.symbol,
    path: { kind: 'random-walk', startPrice: 0.5, dailyVolatility: 0.05 },
    ...config,
  });
  sim.start();
  return { clock, exchange, sim, go: () => clock.runUntil(START + hours * HOUR) };
}

test('the same seed gives the identical market; another seed a different one', async () => {
  const fingerprint = async (seed: number) => {
    const r = run(seed);
    await r.go();
    return JSON.stringify(r.exchange.tradeLog.map((t) => [t.priceTicks, t.qtyLots, t.takerSide, t.time]));
  };
  const a = await fingerprint(3);
  assert.equal(a, await fingerprint(3));
  assert.notEqual(a, await fingerprint(4));
});

test('the book stays two-sided and centred on the fair price', async () => {
  const r = run(1);
  let samples = 0;
  let twoSided = 0;
  let maxRelDistance = 0;
  r.clock.setInterval(() => {
    samples++;
    const bid = r.exchange.bestBid(SPOT.symbol);
    const ask = r.exchange.bestAsk(SPOT.symbol);
    if (bid === undefined || ask === undefined) return;
    twoSided++;
    const mid = ((bid + ask) / 2) * 0.0001;
    maxRelDistance = Math.max(maxRelDistance, Math.abs(mid / r.sim.fairPrice - 1));
    assert.ok(bid < ask);
  }, 10_000);
  await r.go();
  assert.ok(twoSided / samples > 0.95, `two-sided ${twoSided}/${samples}`);
  assert.ok(maxRelDistance < 0.01, `mid strayed ${maxRelDistance} from fair`);
});

test('noise takers trade at roughly the configured rate and size', async () => {
  const r = run(2, { takers: { perSecond: 1, medianNotional: 100, informedShare: 0 } });
  await r.go();
  const takerTrades = r.exchange.tradeLog.filter((t) => t.takerAccount.endsWith('noise-takers'));
  const orders = new Set(takerTrades.map((t) => t.takerOrderId)).size;
  assert.ok(orders > 3_000 && orders < 4_200, `taker orders in an hour at 1/s: ${orders}`);
  const notional = takerTrades.reduce((s, t) => s + t.priceTicks * 0.0001 * t.qtyLots, 0);
  const perOrder = notional / orders;
  assert.ok(perOrder > 70 && perOrder < 250, `mean taker notional ${perOrder}`);
});

test('informed takers buy before rises and sell before falls', async () => {
  const clock = new SimClock(START);
  const exchange = new SimExchange({ clock, instruments: [SPOT], recordTrades: true, fundingIntervalMs: 0 });
  const sim = new MarketSimulator(exchange, clock, new Rng(5), {
    symbol: SPOT.symbol,
    path: { kind: 'random-walk', startPrice: 1, dailyVolatility: 0.1 },
    takers: { perSecond: 1, informedShare: 1, informedLeadMs: 30_000 },
    arbitrage: { thresholdBps: 0 },
  });
  const fairAt = new Map<number, number>();
  clock.setInterval(() => fairAt.set(clock.now(), sim.fairPrice), 1_000);
  sim.start();
  await clock.runUntil(START + HOUR);
  let right = 0;
  let total = 0;
  for (const t of exchange.tradeLog) {
    const now = fairAt.get(Math.ceil(t.time / 1_000) * 1_000);
    const later = fairAt.get(Math.ceil((t.time + 30_000) / 1_000) * 1_000);
    if (now === undefined || later === undefined || later === now) continue;
    total++;
    if ((later > now) === (t.takerSide === 'buy')) right++;
  }
  assert.ok(total > 1_000);
  assert.ok(right / total > 0.8, `informed takers were right ${right}/${total}`);
});

test('arbitrageurs take a quote left on the wrong side of the fair price', async () => {
  const r = run(6, { path: { kind: 'replay', points: [{ time: START, price: 0.5 }, { time: START + 60_000, price: 0.52 }] }, takers: { perSecond: 0 } }, 0);
  await r.go();
  r.exchange.createAccount('slowbot');
  r.exchange.deposit('slowbot', 'MKT', fx.parse('10000'));
  // a sell at 0.5010 is fine at fair 0.50 and stale once fair jumps to 0.52
  const placed = r.exchange.submit('slowbot', { clientOrderId: 'stale1', symbol: SPOT.symbol, side: 'sell', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 5010, qtyLots: 100 });
  assert.ok(placed.ok && placed.order.status === 'open');
  await r.clock.runUntil(START + 2 * 60_000);
  const order = r.exchange.getOrder('slowbot', { clientOrderId: 'stale1' });
  assert.equal(order?.status, 'filled');
  const taker = r.exchange.tradeLog.find((t) => t.makerAccount === 'slowbot')?.takerAccount;
  assert.ok(taker?.endsWith('arbitrageurs'), `taken by ${taker}`);
});

test('a CSV replay drives the fair price and replays its trades', async () => {
  const csv = ['timestamp,price,qty,side', `${START},0.5`, `${START + 10_000},0.51,200,buy`, `${START + 20_000},0.49,150,sell`].join('\n');
  const points = parsePriceCsv(csv);
  assert.equal(points.length, 3);
  const clock = new SimClock(START);
  const exchange = new SimExchange({ clock, instruments: [SPOT], recordTrades: true, fundingIntervalMs: 0 });
  const sim = new MarketSimulator(exchange, clock, new Rng(1), { symbol: SPOT.symbol, path: { kind: 'replay', points }, takers: { perSecond: 0 } });
  sim.start();
  await clock.runUntil(START + 15_000);
  assert.equal(sim.fairPrice, 0.51);
  const buys = exchange.tradeLog.filter((t) => t.takerAccount.endsWith('noise-takers') && t.takerSide === 'buy').reduce((s, t) => s + t.qtyLots, 0);
  assert.equal(buys, 200);
  await clock.runUntil(START + 25_000);
  assert.equal(sim.fairPrice, 0.49);
  assert.throws(() => parsePriceCsv('timestamp,price\nabc,1'), /line 2: bad timestamp/);
  assert.throws(() => parsePriceCsv('1,0.5,10,up'), /side must be buy or sell/);
});

test('on a perpetual the mark price follows the fair price', async () => {
  const clock = new SimClock(START);
  const exchange = new SimExchange({ clock, instruments: [PERP], fundingIntervalMs: 0 });
  const sim = new MarketSimulator(exchange, clock, new Rng(8), { symbol: PERP.symbol, path: { kind: 'random-walk', startPrice: 2, dailyVolatility: 0.05 } });
  sim.start();
  await clock.runUntil(START + 600_000);
  const mark = fx.toNumber(exchange.markPrice(PERP.symbol));
  assert.ok(Math.abs(mark / sim.fairPrice - 1) < 1e-9, `${mark} vs ${sim.fairPrice}`);
  assert.ok(exchange.counters.trades > 100);
});
