import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument } from './instrument.ts';
import { EngineError } from './errors.ts';
import * as fx from './fixed.ts';

const btc = new Instrument({
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: '0.1',
  lotSize: '0.001',
  minQty: '0.001',
  minNotional: '5',
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof EngineError ? error.code : 'not-an-engine-error';
  }
  return undefined;
}

test('prices convert exactly to ticks and back', () => {
  assert.equal(btc.priceToTicks('65000.1'), 650001);
  assert.equal(btc.ticksToPrice(650001), '65000.1');
  assert.equal(btc.ticksToPrice(650000), '65000.0');
  assert.equal(btc.qtyToLots('0.125'), 125);
  assert.equal(btc.lotsToQty(125), '0.125');
});

test('rounding by side is passive: buys round down, sells round up', () => {
  assert.equal(btc.priceToTicksForSide('65000.17', 'buy'), 650001);
  assert.equal(btc.priceToTicksForSide('65000.17', 'sell'), 650002);
  assert.equal(btc.priceToTicksForSide('65000.1', 'sell'), 650001);
});

test('off-grid values are refused with typed errors naming the rule', () => {
  assert.equal(codeOf(() => btc.priceToTicks('65000.15')), 'PRICE_OFF_TICK');
  assert.equal(codeOf(() => btc.qtyToLots('0.0015')), 'QTY_OFF_LOT');
  assert.equal(codeOf(() => btc.priceToTicks('-1')), 'INVALID_ARGUMENT');
  assert.equal(codeOf(() => btc.priceToTicks('abc')), 'INVALID_ARGUMENT');
  try {
    btc.priceToTicks('65000.15');
  } catch (error) {
    assert.match((error as Error).message, /65000\.15 is not a multiple of the tick size 0\.1/);
  }
});

test('validateOrder enforces minimum quantity and notional', () => {
  assert.equal(codeOf(() => btc.validateOrder(650000, 0)), 'INVALID_ARGUMENT');
  // 0.001 BTC at 1000.0 = 1 USDT < 5
  assert.equal(codeOf(() => btc.validateOrder(10000, 1)), 'NOTIONAL_BELOW_MIN');
  assert.equal(codeOf(() => btc.validateOrder(650000, 1)), undefined);
  assert.equal(codeOf(() => btc.validateOrder(650000, 1.5)), 'QTY_OFF_LOT');
  assert.equal(codeOf(() => btc.validateOrder(650000.5, 1)), 'PRICE_OFF_TICK');
  const withMax = new Instrument({ ...btc.toJSON(), maxQty: '1' });
  assert.equal(codeOf(() => withMax.validateOrder(650000, 1001)), 'QTY_ABOVE_MAX');
});

test('notional is exact in quote units, including the contract multiplier', () => {
  assert.equal(fx.format(btc.notional(650001, 125)), '8125.0125');
  const perp = new Instrument({ ...btc.toJSON(), kind: 'perp', contractMultiplier: '0.01', lotSize: '1', minQty: '1' });
  // 3 contracts × 0.01 BTC × 65000.1
  assert.equal(fx.format(perp.notional(650001, 3)), '1950.003');
  assert.equal(fx.format(perp.notionalAt(fx.parse('65000.123'), 3)), '1950.00369');
});

test('minimum quantity rounds up to whole lots', () => {
  const odd = new Instrument({ ...btc.toJSON(), minQty: '0.0025' });
  assert.equal(odd.minQtyLots, 3);
});

test('invalid definitions are refused', () => {
  assert.equal(codeOf(() => new Instrument({ ...btc.toJSON(), tickSize: '0' })), 'INVALID_ARGUMENT');
  assert.equal(codeOf(() => new Instrument({ ...btc.toJSON(), lotSize: 'x' })), 'INVALID_ARGUMENT');
  assert.equal(codeOf(() => new Instrument({ ...btc.toJSON(), symbol: '' })), 'INVALID_ARGUMENT');
});
