import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, Rng, fx } from '@mm/core';
import { computeGrid } from './grid.ts';
import type { GridResult } from './types.ts';
import { gridInput, mm, pairs, perp, spot } from './test-fixtures.ts';

const p = fx.parse;

function reasons(grid: GridResult, side: 'buy' | 'sell'): string[] {
  return grid.dropped.filter((d) => d.side === side).map((d) => `${d.level}:${d.reason}`);
}

test('LINEAR: equal shares, bids rounded down and asks up to the tick, sizes floored to the lot', () => {
  // spreads 1, 2, 3 % (stepPct 0: evenly from min to max) around 100
  const grid = computeGrid(gridInput(mm({ bidBudgetQuote: '300', askBudgetBase: '3' })));
  // bids 99, 98, 97; 300 / 3 = 100 quote each: 100/99 = 1.0101 → 1.01, 100/98 = 1.0204 → 1.02, 100/97 = 1.0309 → 1.03
  assert.deepEqual(pairs(grid.bids), [[9_900, 101], [9_800, 102], [9_700, 103]]);
  // asks 101, 102, 103; 3 / 3 = 1 base each
  assert.deepEqual(pairs(grid.asks), [[10_100, 100], [10_200, 100], [10_300, 100]]);
  assert.deepEqual(grid.bids.map((q) => q.level), [0, 1, 2]);
  assert.ok(grid.bids.every((q) => q.side === 'buy') && grid.asks.every((q) => q.side === 'sell'));
  assert.deepEqual(grid.dropped, []);
  assert.equal(grid.diagnostics.bidMinSpreadPct, 1);
  assert.equal(grid.diagnostics.skew, 0);
  // 50 base × 100 = 5000 of 15000 total
  assert.equal(grid.diagnostics.baseSharePct.toFixed(6), '33.333333');
});

test('VALLEY with a maker fee: weights n − i, each bid sized so price × size × (1 + fee) fits its share', () => {
  const config = mm({ bidLevels: 4, askLevels: 4, bidSpread: { minPct: 0.5, maxPct: 5 }, askSpread: { minPct: 0.5, maxPct: 5 }, stepPct: 0.5, distribution: 'VALLEY', bidBudgetQuote: '1000', askBudgetBase: '10' });
  const grid = computeGrid(gridInput(config, { fees: { maker: p('0.001'), taker: p('0.002') } }));
  // spreads 0.5, 1, 1.5, 2 % → bids 99.5, 99, 98.5, 98; weights 4, 3, 2, 1 of 10 → 400, 300, 200, 100 quote
  // 400 / (0.995 × 1.001 per lot = 0.995995) = 401.6 → 401 lots
  // 300 / (0.99 × 1.001 = 0.99099) = 302.7 → 302;  200 / 0.985985 = 202.8 → 202;  100 / 0.98098 = 101.9 → 101
  assert.deepEqual(pairs(grid.bids), [[9_950, 401], [9_900, 302], [9_850, 202], [9_800, 101]]);
  // asks 100.5, 101, 101.5, 102; 4, 3, 2, 1 base
  assert.deepEqual(pairs(grid.asks), [[10_050, 400], [10_100, 300], [10_150, 200], [10_200, 100]]);
});

test('RANDOM with a fixed seed: bid weights drawn first in level order, then asks', () => {
  // Rng(7).uniform(0.5, 1.5) to 6 decimals gives 0.976499, 0.589101 (bids), 1.339823, 0.912770 (asks)
  const draws = new Rng(7);
  assert.deepEqual(Array.from({ length: 4 }, () => draws.uniform(0.5, 1.5).toFixed(6)), ['0.976499', '0.589101', '1.339823', '0.912770']);
  const config = mm({ bidLevels: 2, askLevels: 2, bidSpread: { minPct: 1, maxPct: 2 }, askSpread: { minPct: 1, maxPct: 2 }, distribution: 'RANDOM', bidBudgetQuote: '1565.6', askBudgetBase: '2.252593' });
  const grid = computeGrid(gridInput(config, { rng: new Rng(7) }));
  // bid weights sum 1.5656, so shares are 1000 × w: 976.499 / 99 = 9.8636 → 986 lots; 589.101 / 98 = 6.0112 → 601 lots
  assert.deepEqual(pairs(grid.bids), [[9_900, 986], [9_800, 601]]);
  // ask weights sum 2.252593 = the budget, so shares are w base: 1.339823 → 133 lots; 0.912770 → 91 lots
  assert.deepEqual(pairs(grid.asks), [[10_100, 133], [10_200, 91]]);
  // same seed, same grid; another fork, other sizes (prices stay)
  assert.deepEqual(computeGrid(gridInput(config, { rng: new Rng(7) })), grid);
  const other = computeGrid(gridInput(config, { rng: new Rng(7).fork('grid/1') }));
  assert.deepEqual(other.bids.map((q) => q.priceTicks), [9_900, 9_800]);
  assert.notDeepEqual(pairs(other.bids), pairs(grid.bids));
});

test('CUSTOM: weights from the list, normalised over each side\'s own levels', () => {
  const config = mm({ bidLevels: 3, askLevels: 2, distribution: 'CUSTOM', customWeights: [3, 2, 1], bidBudgetQuote: '600', askBudgetBase: '5' });
  const grid = computeGrid(gridInput(config));
  // bids 99, 98, 97 with 300, 200, 100 quote: 3.0303 → 303, 2.0408 → 204, 1.0309 → 103
  assert.deepEqual(pairs(grid.bids), [[9_900, 303], [9_800, 204], [9_700, 103]]);
  // two ask levels: spreads 1 and 3 %; weights 3, 2 of 5 → 3 and 2 base
  assert.deepEqual(pairs(grid.asks), [[10_100, 300], [10_300, 200]]);
});

test('spread bounds: evenly from min to max, rounded by side from an off-tick reference', () => {
  const config = mm({ bidLevels: 5, askLevels: 5, bidSpread: { minPct: 0.2, maxPct: 2 }, askSpread: { minPct: 0.2, maxPct: 2 } });
  const grid = computeGrid(gridInput(config, { market: { reference: p('100.005'), bestBid: 10_000, bestAsk: 10_001 } }));
  // spreads 0.2, 0.65, 1.1, 1.55, 2 %
  // bids: 100.005 × 0.998 = 99.80499 → 99.80; × 0.9935 = 99.3549675 → 99.35; × 0.989 = 98.904945 → 98.90;
  //       × 0.9845 = 98.4549225 → 98.45; × 0.98 = 98.0049 → 98.00 (all down)
  assert.deepEqual(grid.bids.map((q) => q.priceTicks), [9_980, 9_935, 9_890, 9_845, 9_800]);
  // asks: × 1.002 = 100.20501 → 100.21; × 1.0065 = 100.6550325 → 100.66; × 1.011 = 101.105055 → 101.11;
  //       × 1.0155 = 101.5550775 → 101.56; × 1.02 = 102.0051 → 102.01 (all up)
  assert.deepEqual(grid.asks.map((q) => q.priceTicks), [10_021, 10_066, 10_111, 10_156, 10_201]);
  // one level sits at the min spread
  const single = computeGrid(gridInput(mm({ bidLevels: 1, askLevels: 1 })));
  assert.deepEqual([single.bids[0]?.priceTicks, single.asks[0]?.priceTicks], [9_900, 10_100]);
});

test('even spacing by thirds stays exact: a price that lands on a tick keeps it', () => {
  // 0, 1/3, 2/3, 1 % of 300 = 0, 1, 2, 3 exactly; a decimal 0.333…% would slip a tick
  const config = mm({ bidLevels: 4, askLevels: 4, bidSpread: { minPct: 0, maxPct: 1 }, askSpread: { minPct: 0, maxPct: 1 }, bidBudgetQuote: '10000', askBudgetBase: '10' });
  const grid = computeGrid(gridInput(config, { market: { reference: p('300'), bestBid: undefined, bestAsk: undefined } }));
  assert.deepEqual(grid.bids.map((q) => q.priceTicks), [30_000, 29_900, 29_800, 29_700]);
  assert.deepEqual(grid.asks.map((q) => q.priceTicks), [30_000, 30_100, 30_200, 30_300]);
});

test('step: min + i·step up to the max; a level capped onto an inner price is dropped as a duplicate', () => {
  const config = mm({ bidLevels: 4, askLevels: 4, bidSpread: { minPct: 0.5, maxPct: 2 }, askSpread: { minPct: 0.5, maxPct: 2 }, stepPct: 1, bidBudgetQuote: '400', askBudgetBase: '4' });
  const grid = computeGrid(gridInput(config));
  // spreads 0.5, 1.5, 2 (capped), 2 (capped)
  assert.deepEqual(grid.bids.map((q) => q.priceTicks), [9_950, 9_850, 9_800]);
  assert.deepEqual(grid.asks.map((q) => q.priceTicks), [10_050, 10_150, 10_200]);
  assert.deepEqual(reasons(grid, 'buy'), ['3:duplicate_price']);
  assert.deepEqual(reasons(grid, 'sell'), ['3:duplicate_price']);
  // the dropped level's share is not handed to the others: 400 / 4 = 100 each; 100 / 99.5 = 1.005 → 100 lots
  assert.equal(grid.bids[0]?.qtyLots, 100);
});

test('size skew (Hummingbot): too much base shrinks bids and grows asks, within the budget', () => {
  const skew = { enabled: true, targetBasePct: 50, rangePct: 20, sizeFactor: 1, priceSkewPct: 0 };
  const config = mm({ bidLevels: 2, askLevels: 2, bidSpread: { minPct: 1, maxPct: 2 }, askSpread: { minPct: 1, maxPct: 2 }, bidBudgetQuote: '1980', askBudgetBase: '4', inventorySkew: skew });
  // 60 × 100 = 6000 base value of 10000: share 60 %, d = (60 − 50) / 20 = 0.5; bid × 0.5, ask × 1.5
  const grid = computeGrid(gridInput(config, { inventory: { base: p('60'), quote: p('4000') } }));
  assert.deepEqual(
    [grid.diagnostics.baseSharePct, grid.diagnostics.skew, grid.diagnostics.bidSizeMultiplier, grid.diagnostics.askSizeMultiplier, grid.diagnostics.priceShift],
    [60, 0.5, 0.5, 1.5, 0],
  );
  // bids: 1980 × 0.5 = 990, 495 each: 495 / 99 = 5 → 500 lots; 495 / 98 = 5.051 → 505 lots
  assert.deepEqual(pairs(grid.bids), [[9_900, 500], [9_800, 505]]);
  // asks: 4 × 1.5 = 6, 3 each; the budget is 4, so the outer level is shrunk to the 1 left
  assert.deepEqual(pairs(grid.asks), [[10_100, 300], [10_200, 100]]);
  // at full strength (share 90 %: d = 2 → 1) the bid side shrinks to nothing
  const full = computeGrid(gridInput(config, { inventory: { base: p('90'), quote: p('1000') } }));
  assert.equal(full.diagnostics.skew, 1);
  assert.deepEqual(full.bids, []);
  assert.deepEqual(reasons(full, 'buy'), ['0:below_min_size', '1:below_min_size']);
  // too little base: share 30 % → d = −1: asks vanish, bids double (capped by the budget)
  const light = computeGrid(gridInput(config, { inventory: { base: p('30'), quote: p('7000') } }));
  assert.equal(light.diagnostics.skew, -1);
  assert.deepEqual(light.asks, []);
  // 1980 × 2 / 2 = 1980 per level: level 0 takes 1980 / 99 = 20 base (cost 1980), nothing left for level 1
  assert.deepEqual(pairs(light.bids), [[9_900, 2_000]]);
  assert.deepEqual(reasons(light, 'buy'), ['1:budget_exhausted']);
});

test('price skew (Nautilus): too much base shifts every quote down', () => {
  const skew = { enabled: true, targetBasePct: 50, rangePct: 20, sizeFactor: 0, priceSkewPct: 1 };
  const config = mm({ bidLevels: 1, askLevels: 1, bidBudgetQuote: '100', askBudgetBase: '1', inventorySkew: skew });
  // share 60 % → d = 0.5 → shift = −0.5 × 1 / 100 = −0.005
  const grid = computeGrid(gridInput(config, { inventory: { base: p('60'), quote: p('4000') }, market: { reference: p('100'), bestBid: undefined, bestAsk: undefined } }));
  assert.equal(grid.diagnostics.priceShift, -0.005);
  assert.deepEqual([grid.diagnostics.bidSizeMultiplier, grid.diagnostics.askSizeMultiplier], [1, 1]);
  // bid 100 × 0.99 × 0.995 = 98.505 → 98.50; ask 100 × 1.01 × 0.995 = 100.495 → 100.50
  assert.equal(grid.bids[0]?.priceTicks, 9_850);
  assert.equal(grid.asks[0]?.priceTicks, 10_050);
  // too little base (share 40 %) shifts up: 100 × 0.99 × 1.005 = 99.495 → 99.49; 100 × 1.01 × 1.005 = 101.505 → 101.51
  const up = computeGrid(gridInput(config, { inventory: { base: p('40'), quote: p('6000') }, market: { reference: p('100'), bestBid: undefined, bestAsk: undefined } }));
  assert.deepEqual([up.bids[0]?.priceTicks, up.asks[0]?.priceTicks], [9_949, 10_151]);
});

test('spot budgets are limited by holdings, perp budgets are not', () => {
  const config = mm({ bidBudgetQuote: '300', askBudgetBase: '3' });
  // only 150 quote and 1.5 base held: 50 quote / 0.5 base per level
  const spotGrid = computeGrid(gridInput(config, { inventory: { base: p('1.5'), quote: p('150') } }));
  // 50 / 99 = 0.505 → 50; 50 / 98 = 0.5102 → 51; 50 / 97 = 0.5154 → 51
  assert.deepEqual(pairs(spotGrid.bids), [[9_900, 50], [9_800, 51], [9_700, 51]]);
  assert.deepEqual(pairs(spotGrid.asks), [[10_100, 50], [10_200, 50], [10_300, 50]]);
  // nothing held at all: every level is out of budget
  const empty = computeGrid(gridInput(config, { inventory: { base: 0n, quote: 0n } }));
  assert.deepEqual([empty.bids, empty.asks], [[], []]);
  assert.deepEqual(reasons(empty, 'buy'), ['0:budget_exhausted', '1:budget_exhausted', '2:budget_exhausted']);
  // a perp quotes its configured budgets whatever the position (here short 2 with 50 margin)
  const perpGrid = computeGrid(gridInput(config, { instrument: perp, inventory: { base: p('-2'), quote: p('50') } }));
  assert.deepEqual(pairs(perpGrid.bids), [[9_900, 101], [9_800, 102], [9_700, 103]]);
  assert.deepEqual(pairs(perpGrid.asks), [[10_100, 100], [10_200, 100], [10_300, 100]]);
});

test('budgets with fees are never exceeded: exact case and a seeded sweep', () => {
  // one level at 99, budget 100: without fee 100 / 99 → 101 lots (99.99); with 0.1 % fee 100 / 0.99099 → 100 lots (99.099)
  const one = mm({ bidLevels: 1, askLevels: 0, bidBudgetQuote: '100' });
  assert.deepEqual(pairs(computeGrid(gridInput(one)).bids), [[9_900, 101]]);
  assert.deepEqual(pairs(computeGrid(gridInput(one, { fees: { maker: p('0.001'), taker: 0n } })).bids), [[9_900, 100]]);

  const rng = new Rng('sweep');
  for (let run = 0; run < 300; run++) {
    const fee = p((rng.int(0, 30) / 10_000).toFixed(4));
    const config = mm({
      bidLevels: rng.int(1, 8),
      askLevels: rng.int(1, 8),
      stepPct: rng.pick([0, 0.1, 0.5]),
      distribution: rng.pick(['LINEAR', 'VALLEY', 'RANDOM']),
      bidBudgetQuote: String(rng.int(5, 2_000)),
      askBudgetBase: String(rng.int(1, 20)),
      bidSize: { min: rng.pick(['0', '0.3', '1']), max: '0' },
      askSize: { min: rng.pick(['0', '0.3', '1']), max: '0' },
      inventorySkew: { enabled: true, targetBasePct: 50, rangePct: 20, sizeFactor: 1, priceSkewPct: 0.5 },
    });
    const inventory = { base: p(String(rng.int(0, 40))), quote: p(String(rng.int(0, 3_000))) };
    const grid = computeGrid(gridInput(config, { inventory, fees: { maker: fee, taker: 0n }, rng: rng.fork(`r${run}`) }));
    const bidBudget = fx.min(p(config.bidBudgetQuote), inventory.quote);
    const spent = grid.bids.reduce((sum, q) => sum + fx.mul(spot.notional(q.priceTicks, q.qtyLots), fx.ONE + fee, 'ceil'), 0n);
    assert.ok(spent <= bidBudget, `run ${run}: bids cost ${fx.format(spent)} > ${fx.format(bidBudget)}`);
    const offered = grid.asks.reduce((sum, q) => sum + spot.lotsToFixed(q.qtyLots), 0n);
    assert.ok(offered <= fx.min(p(config.askBudgetBase), inventory.base), `run ${run}: asks offer ${fx.format(offered)}`);
    for (const q of [...grid.bids, ...grid.asks]) assert.ok(q.qtyLots >= spot.minQtyLots && spot.notional(q.priceTicks, q.qtyLots) >= spot.minNotionalValue);
  }
});

test('side min and max sizes: the max clamps, the min lifts small levels, the budget walk drops what does not fit', () => {
  const capped = computeGrid(gridInput(mm({ bidBudgetQuote: '300', askBudgetBase: '3', bidSize: { min: '0', max: '0.5' }, askSize: { min: '0', max: '0.75' } })));
  assert.deepEqual(pairs(capped.bids), [[9_900, 50], [9_800, 50], [9_700, 50]]);
  assert.deepEqual(pairs(capped.asks), [[10_100, 75], [10_200, 75], [10_300, 75]]);
  // budget 150: 50 quote per level gives 0.50, 0.51, 0.51; a min of 0.6 lifts each to 60 lots
  // 99 × 0.6 = 59.4, 98 × 0.6 = 58.8 (118.2 spent); 97 × 0.6 = 58.2 > 31.8 left, and 31.8 / 0.97 = 32 lots < 60
  const lifted = computeGrid(gridInput(mm({ bidBudgetQuote: '150', bidSize: { min: '0.6', max: '0' } })));
  assert.deepEqual(pairs(lifted.bids), [[9_900, 60], [9_800, 60]]);
  assert.deepEqual(reasons(lifted, 'buy'), ['2:budget_exhausted']);
});

test('venue minimums: below the minimum quantity or notional is dropped', () => {
  const strict = new Instrument({ ...spot.toJSON(), minQty: '0.05', minNotional: '5' });
  // bid budget 12: 4 quote per level → 4/99, 4/98, 4/97 → 4 lots each, below 5 lots
  const small = computeGrid(gridInput(mm({ bidBudgetQuote: '12', askBudgetBase: '0.15' }), { instrument: strict }));
  assert.deepEqual(reasons(small, 'buy'), ['0:below_min_size', '1:below_min_size', '2:below_min_size']);
  // asks 0.05 base = 5 lots each at 101, 102, 103: 5.05, 5.10, 5.15 ≥ 5
  assert.deepEqual(pairs(small.asks), [[10_100, 5], [10_200, 5], [10_300, 5]]);
  // bid budget 15: 5 lots each, but 5 × 0.99 = 4.95, 4.90, 4.85 < 5
  const thin = computeGrid(gridInput(mm({ bidBudgetQuote: '15', askBudgetBase: '0.15' }), { instrument: strict }));
  assert.deepEqual(reasons(thin, 'buy'), ['0:below_min_notional', '1:below_min_notional', '2:below_min_notional']);
});

test('price band: no bids at or above the ceiling, no asks at or below the floor', () => {
  const atCeiling = computeGrid(gridInput(mm({ priceCeiling: '100' })));
  assert.deepEqual(atCeiling.bids, []);
  assert.deepEqual(reasons(atCeiling, 'buy'), ['0:price_band', '1:price_band', '2:price_band']);
  assert.equal(atCeiling.asks.length, 3);
  const below = computeGrid(gridInput(mm({ priceCeiling: '100.01' })));
  assert.equal(below.bids.length, 3);
  const atFloor = computeGrid(gridInput(mm({ priceFloor: '100' })));
  assert.deepEqual(atFloor.asks, []);
  assert.deepEqual(reasons(atFloor, 'sell'), ['0:price_band', '1:price_band', '2:price_band']);
  assert.equal(computeGrid(gridInput(mm({ priceFloor: '99.99' }))).asks.length, 3);
});

test('local post-only guard: bids at or above the best ask and asks at or below the best bid are dropped', () => {
  const config = mm({ bidLevels: 2, askLevels: 2, bidSpread: { minPct: 0.5, maxPct: 1 }, askSpread: { minPct: 0.5, maxPct: 1 } });
  // bids 99.50, 99.00 against a best ask of 99.50
  const bids = computeGrid(gridInput(config, { market: { reference: p('100'), bestBid: 9_940, bestAsk: 9_950 } }));
  assert.deepEqual(bids.bids.map((q) => q.priceTicks), [9_900]);
  assert.deepEqual(reasons(bids, 'buy'), ['0:would_cross']);
  // asks 100.50, 101.00 against a best bid of 100.50
  const asks = computeGrid(gridInput(config, { market: { reference: p('100'), bestBid: 10_050, bestAsk: 10_060 } }));
  assert.deepEqual(asks.asks.map((q) => q.priceTicks), [10_100]);
  assert.deepEqual(reasons(asks, 'sell'), ['0:would_cross']);
});

test('break-even floor: no spread narrower than the maker fee; rebates set no floor', () => {
  const config = mm({ bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.1, maxPct: 0.5 }, askSpread: { minPct: 0.1, maxPct: 0.5 }, bidBudgetQuote: '300', askBudgetBase: '3' });
  const fee = { maker: p('0.003'), taker: p('0.005') };
  // spreads 0.1, 0.3, 0.5 → floored at 0.3: 0.3, 0.3, 0.5; the second is a duplicate of the first
  const floored = computeGrid(gridInput(config, { fees: fee, market: { reference: p('100'), bestBid: undefined, bestAsk: undefined } }));
  assert.deepEqual(floored.bids.map((q) => q.priceTicks), [9_970, 9_950]);
  assert.deepEqual(floored.asks.map((q) => q.priceTicks), [10_030, 10_050]);
  assert.deepEqual(reasons(floored, 'buy'), ['1:duplicate_price']);
  assert.equal(floored.diagnostics.bidMinSpreadPct, 0.3);
  assert.equal(floored.diagnostics.askMinSpreadPct, 0.3);
  const off = computeGrid(gridInput(mm({ ...config, breakEvenFloor: false }), { fees: fee, market: { reference: p('100'), bestBid: undefined, bestAsk: undefined } }));
  assert.deepEqual(off.bids.map((q) => q.priceTicks), [9_990, 9_970, 9_950]);
  const rebate = computeGrid(gridInput(config, { fees: { maker: p('-0.0001'), taker: 0n }, market: { reference: p('100'), bestBid: undefined, bestAsk: undefined } }));
  assert.deepEqual(rebate.bids.map((q) => q.priceTicks), [9_990, 9_970, 9_950]);
  // a rebate is not subtracted from the cost: 100 / 99.9 = 1.001 → 100 lots
  assert.equal(rebate.bids[0]?.qtyLots, 100);
});

test('a price that rounds to zero ticks is dropped as non-positive', () => {
  const config = mm({ bidLevels: 1, askLevels: 1, bidSpread: { minPct: 50, maxPct: 50 }, askSpread: { minPct: 50, maxPct: 50 }, bidBudgetQuote: '1', askBudgetBase: '100' });
  // 0.01 × 0.5 = 0.005 → 0 ticks
  const grid = computeGrid(gridInput(config, { market: { reference: p('0.01'), bestBid: undefined, bestAsk: undefined } }));
  assert.deepEqual(reasons(grid, 'buy'), ['0:non_positive_price']);
  // 0.01 × 1.5 = 0.015 → 0.02; the ask budget is the 50 base held (spot): 50 × 0.02 = 1 ≥ the 1 minimum
  assert.deepEqual(pairs(grid.asks), [[2, 5_000]]);
});
