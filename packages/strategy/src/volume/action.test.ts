import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, fx } from '@mm/core';
import type { VolumeConfig } from '@mm/core';
import { decideVolumeAction, makerPrice, sellProbability, shouldTake, takerAction } from './action.ts';
import { pacing } from './pacing.ts';
import type { VolumeAction, VolumeInput } from '../types.ts';
import { spot, volume } from '../test-fixtures.ts';

const utc = Date.UTC;
const p = fx.parse;
const noon = utc(2024, 0, 15, 12);

function input(config: VolumeConfig, overrides: Partial<VolumeInput> = {}): VolumeInput {
  return {
    config,
    instrument: spot,
    market: { reference: p('100'), bestBid: 9_990, bestAsk: 10_010 },
    own: { bestOwnBid: undefined, bestOwnAsk: undefined },
    inventory: { base: p('50'), quote: p('5000') },
    targetBasePct: 50,
    progress: { tradedToday: 0n, volumeLegThisHour: 0n, feesToday: 0n, volumeLegLossToday: 0n },
    now: noon,
    rng: new Rng(1),
    ...overrides,
  };
}

function progress(values: Partial<VolumeInput['progress']>): VolumeInput['progress'] {
  return { tradedToday: 0n, volumeLegThisHour: 0n, feesToday: 0n, volumeLegLossToday: 0n, ...values };
}

function reason(action: VolumeAction): string {
  assert.equal(action.kind, 'none');
  return action.kind === 'none' ? action.reason : '';
}

test('stands still when off, outside the windows, done, or at a hard cap', () => {
  const config = volume({ dailyTargetQuote: '10000', maxFeesPerDayQuote: '5', maxLossPerDayQuote: '50', maxNotionalPerHourQuote: '100', minTradeQuote: '20' });
  assert.equal(decideVolumeAction(input(config)).kind, 'maker');
  assert.match(reason(decideVolumeAction(input({ ...config, enabled: false }))), /disabled/);
  // the default window ends at 23:59
  assert.match(reason(decideVolumeAction(input(config, { now: utc(2024, 0, 15, 23, 59, 30) }))), /outside/);
  assert.match(reason(decideVolumeAction(input(config, { progress: progress({ tradedToday: p('10000') }) }))), /target reached/);
  assert.match(reason(decideVolumeAction(input(config, { progress: progress({ feesToday: p('5') }) }))), /fee cap/);
  assert.match(reason(decideVolumeAction(input(config, { progress: progress({ volumeLegLossToday: p('50') }) }))), /loss cap/);
  // 85 of 100 this hour: 15 left is less than one 20 minimum trade
  assert.match(reason(decideVolumeAction(input(config, { progress: progress({ volumeLegThisHour: p('85') }) }))), /hourly cap/);
  assert.match(reason(decideVolumeAction(input(config, { market: { reference: p('100'), bestBid: undefined, bestAsk: 10_010 } }))), /two-sided/);
});

test('maker price: one tick inside a wide spread, at the best price when the spread is one tick', () => {
  assert.equal(makerPrice('buy', 9_990, 10_010), 9_991);
  assert.equal(makerPrice('sell', 9_990, 10_010), 10_009);
  assert.equal(makerPrice('buy', 9_999, 10_000), 9_999);
  assert.equal(makerPrice('sell', 9_999, 10_000), 10_000);
  // two ticks apart: inside on either side, still not crossing
  assert.equal(makerPrice('buy', 9_999, 10_001), 10_000);
});

test('size: the min trade is a floor after lot rounding', () => {
  const config = volume({ minTradeQuote: '50', maxTradeQuote: '50' });
  // no base: only a buy is possible. At 99.91: 50 / 99.91 = 0.50045 → 50 lots = 49.955 < 50 → 51 lots (50.9541)
  assert.deepEqual(decideVolumeAction(input(config, { inventory: { base: 0n, quote: p('5000') } })), { kind: 'maker', side: 'buy', priceTicks: 9_991, qtyLots: 51 });
  // no quote: only a sell. At 100.09: 50 / 100.09 = 0.49955 → 49 lots = 49.0441 < 50 → 50 lots (50.045)
  assert.deepEqual(decideVolumeAction(input(config, { inventory: { base: p('50'), quote: 0n } })), { kind: 'maker', side: 'sell', priceTicks: 10_009, qtyLots: 50 });
  assert.match(reason(decideVolumeAction(input(config, { inventory: { base: 0n, quote: 0n } }))), /balance/);
});

test('size: capped by the remaining target, never below the min trade', () => {
  // 20.5 left of the target, trades 20–100: the size is in [20, 20.5]
  const config = volume({ dailyTargetQuote: '10000', minTradeQuote: '20', maxTradeQuote: '100' });
  const near = progress({ tradedToday: p('9979.5') });
  for (let seed = 0; seed < 50; seed++) {
    // buys at 99.91: [20, 20.5] / 0.9991 → 20 lots = 19.982 < 20 → 21 lots
    const buy = decideVolumeAction(input(config, { progress: near, inventory: { base: 0n, quote: p('5000') }, rng: new Rng(seed) }));
    assert.deepEqual(buy, { kind: 'maker', side: 'buy', priceTicks: 9_991, qtyLots: 21 });
    // sells at 100.09: [20, 20.5] / 1.0009 → 19 or 20 lots; 19 lots = 19.0171 < 20 → 20 lots either way
    const sell = decideVolumeAction(input(config, { progress: near, inventory: { base: p('50'), quote: 0n }, rng: new Rng(seed) }));
    assert.deepEqual(sell, { kind: 'maker', side: 'sell', priceTicks: 10_009, qtyLots: 20 });
  }
});

test('the hourly cap is never pushed over by the next trade', () => {
  const config = volume({ minTradeQuote: '20', maxTradeQuote: '100', maxNotionalPerHourQuote: '100' });
  const rng = new Rng('hour');
  let makers = 0;
  for (let i = 0; i < 500; i++) {
    const used = p(String(rng.int(0, 100)));
    const action = decideVolumeAction(input(config, { progress: progress({ volumeLegThisHour: used }), rng: rng.fork(`${i}`) }));
    if (action.kind !== 'maker') continue;
    makers++;
    assert.ok(spot.notional(action.priceTicks, action.qtyLots) <= p('100') - used, `trade ${i} pushes the hour over`);
  }
  assert.ok(makers > 300);
  // 20.5 left this hour, only a buy possible: the smallest buy (21 lots = 20.9811) does not fit
  const tight = decideVolumeAction(input(config, { progress: progress({ volumeLegThisHour: p('79.5') }), inventory: { base: 0n, quote: p('5000') } }));
  assert.match(reason(tight), /hourly cap/);
});

test('side selection pulls the inventory toward the target (statistically, seeded)', () => {
  // P(sell) = 0.5 + 0.4 × (share − target) / 20, within [0.1, 0.9]
  assert.equal(sellProbability({ base: p('50'), quote: p('5000') }, p('100'), 50), 0.5);
  assert.equal(sellProbability({ base: p('55'), quote: p('4500') }, p('100'), 50).toFixed(10), '0.6000000000');
  assert.equal(sellProbability({ base: p('90'), quote: p('1000') }, p('100'), 50), 0.9);
  assert.equal(sellProbability({ base: p('10'), quote: p('9000') }, p('100'), 50), 0.1);
  const config = volume();
  const rng = new Rng('sides');
  for (const [base, quote, expected] of [
    ['70', '3000', 0.9],
    ['55', '4500', 0.6],
    ['50', '5000', 0.5],
    ['30', '7000', 0.1],
  ] as const) {
    let sells = 0;
    const n = 4_000;
    for (let i = 0; i < n; i++) {
      const action = decideVolumeAction(input(config, { inventory: { base: p(base), quote: p(quote) }, rng }));
      if (action.kind === 'maker' && action.side === 'sell') sells++;
    }
    assert.ok(Math.abs(sells / n - expected) < 0.03, `share ${base} %: sold ${sells / n}, expected ${expected}`);
  }
});

test('determinism: the same seed repeats the same decisions', () => {
  const config = volume({ minTradeQuote: '20', maxTradeQuote: '100' });
  const run = () => {
    const rng = new Rng(42);
    return Array.from({ length: 30 }, () => decideVolumeAction(input(config, { rng })));
  };
  const a = run();
  assert.deepEqual(a, run());
  assert.ok(new Set(a.map((x) => (x.kind === 'maker' ? x.qtyLots : 0))).size > 5, 'sizes vary');
});

test('taker: IOC limit at the opposite best plus the slippage, stopping before our own orders', () => {
  const config = volume({ mode: 'MIXED', maxSlippagePct: 0.3 });
  // buy: 100.10 × 1.003 = 100.4003 → 100.40 (a buy limit rounds down)
  assert.deepEqual(takerAction(input(config), 'buy', 100), { kind: 'taker', side: 'buy', limitTicks: 10_040, qtyLots: 100 });
  // our own ask at 100.20 is inside that: stop one tick before it
  assert.deepEqual(takerAction(input(config, { own: { bestOwnBid: undefined, bestOwnAsk: 10_020 } }), 'buy', 100), { kind: 'taker', side: 'buy', limitTicks: 10_019, qtyLots: 100 });
  // our own ask beyond the limit is out of reach anyway
  assert.equal((takerAction(input(config, { own: { bestOwnBid: undefined, bestOwnAsk: 10_050 } }), 'buy', 100) as { limitTicks: number }).limitTicks, 10_040);
  // sell: 99.90 × 0.997 = 99.6003 → 99.61 (a sell limit rounds up); our bid at 99.70 moves it to 99.71
  assert.deepEqual(takerAction(input(config), 'sell', 100), { kind: 'taker', side: 'sell', limitTicks: 9_961, qtyLots: 100 });
  assert.deepEqual(takerAction(input(config, { own: { bestOwnBid: 9_970, bestOwnAsk: undefined } }), 'sell', 100), { kind: 'taker', side: 'sell', limitTicks: 9_971, qtyLots: 100 });
});

test('taker in a thin book where our own quotes are the best prices: none', () => {
  const config = volume({ mode: 'MIXED' });
  const thin = input(config, { market: { reference: p('100'), bestBid: 9_990, bestAsk: 10_010 }, own: { bestOwnBid: 9_990, bestOwnAsk: 10_010 } });
  assert.deepEqual(takerAction(thin, 'buy', 10), { kind: 'none', reason: 'own order in the way' });
  assert.deepEqual(takerAction(thin, 'sell', 10), { kind: 'none', reason: 'own order in the way' });
  assert.match(reason(takerAction(input(config, { market: { reference: p('100'), bestBid: 9_990, bestAsk: undefined } }), 'buy', 10)), /no asks/);
});

test('taker respects the hourly cap at its limit price', () => {
  const config = volume({ mode: 'MIXED', maxNotionalPerHourQuote: '100' });
  // 50 left; at the 100.40 limit: 50 / 1.004 = 49.8 → 49 lots (49.196)
  const action = takerAction(input(config, { progress: progress({ volumeLegThisHour: p('50') }) }), 'buy', 100);
  assert.deepEqual(action, { kind: 'taker', side: 'buy', limitTicks: 10_040, qtyLots: 49 });
  assert.match(reason(takerAction(input(config, { progress: progress({ volumeLegThisHour: p('100') }) }), 'buy', 100)), /hourly cap/);
});

test('shouldTake: only MIXED, only behind schedule', () => {
  const behind = pacing(volume({ dailyTargetQuote: '10000' }), 0n, noon);
  const ahead = pacing(volume({ dailyTargetQuote: '10000' }), p('9000'), noon);
  assert.ok(behind.deficit > 0n && ahead.deficit < 0n);
  assert.equal(shouldTake(volume({ mode: 'MIXED' }), behind), true);
  assert.equal(shouldTake(volume({ mode: 'MIXED' }), ahead), false);
  assert.equal(shouldTake(volume({ mode: 'MAKER_FIRST' }), behind), false);
});
