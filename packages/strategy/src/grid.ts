// The market-making grid: a pure function of config, market, inventory and fees.
// Pipeline (order matters, after Hummingbot's tick): skew → spreads with the break-even floor →
// prices on the tick grid by side → price band, duplicate and cross guards → sizes from budgets
// and weights → side size bounds and venue minimums → fee-inclusive budget walk.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import type { GridInput, GridResult } from './types.ts';
import { inventorySkew } from './skew.ts';
import { breakEvenFloorPct, spreadLadder, spreadPct } from './spreads.ts';
import type { Spread } from './spreads.ts';
import { levelWeights } from './weights.ts';
import { buildSide } from './grid-side.ts';
import { num } from './numbers.ts';

export function computeGrid(input: GridInput): GridResult {
  const { config, instrument, market, inventory, fees } = input;
  const reference = market.reference;
  const skew = inventorySkew(config.inventorySkew, inventory, reference);
  const floorPct = breakEvenFloorPct(config.breakEvenFloor, fees.maker);
  const bidSpreads = spreadLadder(config.bidLevels, config.bidSpread, config.stepPct, floorPct);
  const askSpreads = spreadLadder(config.askLevels, config.askSpread, config.stepPct, floorPct);
  // bids draw first, then asks, so a seed gives the same weights whatever the sides' states
  const bidWeights = levelWeights(config, config.bidLevels, input.rng);
  const askWeights = levelWeights(config, config.askLevels, input.rng);
  const spot = instrument.kind === 'spot';
  const bidBudget = nonNegative(spot ? fx.min(fx.parse(config.bidBudgetQuote), inventory.quote) : fx.parse(config.bidBudgetQuote));
  const askBudget = nonNegative(spot ? fx.min(fx.parse(config.askBudgetBase), inventory.base) : fx.parse(config.askBudgetBase));
  const ceiling = config.priceCeiling === undefined ? undefined : fx.parse(config.priceCeiling);
  const floor = config.priceFloor === undefined ? undefined : fx.parse(config.priceFloor);
  const common = { instrument, reference, priceShift: skew.priceShift, feeRate: fx.max(fees.maker, 0n) };

  const bids = buildSide({
    ...common,
    side: 'buy',
    spreads: bidSpreads,
    banded: ceiling !== undefined && reference >= ceiling,
    oppositeBest: market.bestAsk,
    budget: bidBudget,
    allocation: fx.mul(bidBudget, skew.bidSizeMultiplier, 'floor'),
    weights: bidWeights,
    minSize: fx.parse(config.bidSize.min),
    maxSize: fx.parse(config.bidSize.max),
  });
  const asks = buildSide({
    ...common,
    side: 'sell',
    spreads: askSpreads,
    banded: floor !== undefined && reference <= floor,
    oppositeBest: market.bestBid,
    budget: askBudget,
    allocation: fx.mul(askBudget, skew.askSizeMultiplier, 'floor'),
    weights: askWeights,
    minSize: fx.parse(config.askSize.min),
    maxSize: fx.parse(config.askSize.max),
  });

  return {
    bids: bids.quotes,
    asks: asks.quotes,
    dropped: [...bids.dropped, ...asks.dropped],
    diagnostics: {
      baseSharePct: fx.toNumber(skew.baseSharePct),
      skew: fx.toNumber(skew.d),
      bidSizeMultiplier: fx.toNumber(skew.bidSizeMultiplier),
      askSizeMultiplier: fx.toNumber(skew.askSizeMultiplier),
      priceShift: fx.toNumber(skew.priceShift),
      bidMinSpreadPct: fx.toNumber(innermost(config.bidSpread.minPct, bidSpreads, floorPct)),
      askMinSpreadPct: fx.toNumber(innermost(config.askSpread.minPct, askSpreads, floorPct)),
    },
  };
}

function nonNegative(value: Fixed): Fixed {
  return value < 0n ? 0n : value;
}

/** The innermost spread in effect, also for a side with no levels. */
function innermost(minPct: number, spreads: readonly Spread[], floorPct: Fixed): Fixed {
  const first = spreads[0];
  return first === undefined ? fx.max(num(minPct), floorPct) : spreadPct(first);
}
