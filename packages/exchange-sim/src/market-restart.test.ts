// A market simulator that is stopped and started again keeps re-centring its quotes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, SimClock } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { SimExchange } from './exchange.ts';
import { MarketSimulator } from './market.ts';

const SPOT: InstrumentDef = { symbol: 'RSTUSDT', base: 'RST', quote: 'USDT', kind: 'spot', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' };

test('after stop and start the ladder still follows the fair price', async () => {
  const start = Date.UTC(2026, 0, 1);
  const clock = new SimClock(start);
  const exchange = new SimExchange({ clock, instruments: [SPOT], fundingIntervalMs: 0 });
  const sim = new MarketSimulator(exchange, clock, new Rng(4), {
    symbol: SPOT.symbol,
    path: { kind: 'random-walk', startPrice: 0.5, dailyVolatility: 0.5, stepMs: 250 },
    takers: { perSecond: 0 },
    arbitrage: { thresholdBps: 0 },
    liquidity: { churnPerSecond: 0 },
  });
  sim.start();
  // stop while a requote is pending (one is scheduled after every price step)
  await clock.runUntil(start + 1_100);
  sim.stop();
  sim.start();
  await clock.runUntil(start + 3_600_000);
  const bid = exchange.bestBid(SPOT.symbol)!;
  const ask = exchange.bestAsk(SPOT.symbol)!;
  const mid = ((bid + ask) / 2) * 0.0001;
  assert.ok(Math.abs(mid / sim.fairPrice - 1) < 0.01, `mid ${mid} strayed from fair ${sim.fairPrice}`);
});
