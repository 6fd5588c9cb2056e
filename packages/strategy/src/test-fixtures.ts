// Shared fixtures for the strategy tests (not exported from the package).
import { Instrument, Rng, fx, marketMakingSchema, volumeSchema } from '@mm/core';
import type { MarketMakingConfig, VolumeConfig } from '@mm/core';
import type { GridInput } from './types.ts';

/** Tick 0.01, lot 0.01: prices and sizes with two decimals. */
export const spot = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.01', minQty: '0.01', minNotional: '1' });
export const perp = new Instrument({ ...spot.toJSON(), symbol: 'TKNPERP', kind: 'perp' });

export function mm(overrides: Record<string, unknown> = {}): MarketMakingConfig {
  return marketMakingSchema.parse({ bidLevels: 3, askLevels: 3, bidSpread: { minPct: 1, maxPct: 3 }, askSpread: { minPct: 1, maxPct: 3 }, ...overrides });
}

export function volume(overrides: Record<string, unknown> = {}): VolumeConfig {
  return volumeSchema.parse({ enabled: true, ...overrides });
}

export function gridInput(config: MarketMakingConfig, overrides: Partial<GridInput> = {}): GridInput {
  return {
    config,
    instrument: spot,
    market: { reference: fx.parse('100'), bestBid: 9_990, bestAsk: 10_010 },
    inventory: { base: fx.parse('50'), quote: fx.parse('10000') },
    fees: { maker: 0n, taker: 0n },
    rng: new Rng(7),
    ...overrides,
  };
}

/** [priceTicks, qtyLots] pairs, for compact assertions. */
export function pairs(quotes: readonly { priceTicks: number; qtyLots: number }[]): [number, number][] {
  return quotes.map((q) => [q.priceTicks, q.qtyLots]);
}
