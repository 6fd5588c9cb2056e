import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, fx } from '@mm/core';
import type { Fill } from '@mm/core';
import { Portfolio } from './portfolio.ts';

const inst = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' });
const DAY = Date.UTC(2026, 0, 5);

let n = 0;
function fill(side: 'buy' | 'sell', price: number, qty: number, opts: Partial<Fill> = {}): Fill {
  n++;
  return { symbol: inst.symbol, tradeId: `t${n}`, venueOrderId: 'v', clientOrderId: 'c', side, priceTicks: price, qtyLots: qty, fee: fx.parse('0.1'), feeAsset: 'USDT', liquidity: 'maker', venueTime: DAY + 1_000, receivedAt: DAY + 1_000, ...opts };
}

test('average cost: realised PnL on sells, unrealised on what is held, fees apart', () => {
  const p = new Portfolio(inst);
  p.setTradingDay(DAY);
  p.seedInventory(fx.parse('100'), fx.parse('10')); // 100 TKN valued at 10
  p.applyFill(fill('buy', 900, 100), 'mm', undefined); // +100 at 9 → avg 9.5 on 200
  assert.equal(fx.format(p.averageCost()!), '9.5');
  p.applyFill(fill('sell', 1100, 50), 'mm', undefined); // sell 50 at 11 → +1.5 × 50 = 75
  const pnl = p.pnl(fx.parse('10'));
  assert.equal(fx.format(pnl.realized), '75');
  assert.equal(fx.format(pnl.unrealized), '75'); // 150 held × (10 − 9.5)
  assert.equal(fx.format(pnl.fees), '0.2');
  assert.equal(fx.format(pnl.net), '149.8');
});

test('selling through zero opens a short with a fresh basis', () => {
  const p = new Portfolio(inst);
  p.setTradingDay(DAY);
  p.applyFill(fill('buy', 1000, 10), 'mm', undefined);
  p.applyFill(fill('sell', 1200, 15), 'mm', undefined); // close 10 (+20), open 5 short at 12
  const pnl = p.pnl(fx.parse('11'));
  assert.equal(fx.format(pnl.realized), '20');
  assert.equal(fx.format(pnl.unrealized), '5'); // short 5 from 12, marked at 11
});

test('volume is split maker/taker and by leg, in hourly buckets of the trading day', () => {
  const p = new Portfolio(inst);
  p.setTradingDay(DAY);
  p.applyFill(fill('buy', 1000, 10, { venueTime: DAY + 10 * 60_000 }), 'mm', fx.parse('10'));
  p.applyFill(fill('sell', 1010, 10, { venueTime: DAY + 70 * 60_000, liquidity: 'taker' }), 'volume', fx.parse('10.05'));
  const v = p.volumeToday();
  assert.equal(fx.format(v.maker), '100');
  assert.equal(fx.format(v.taker), '101');
  assert.equal(fx.format(v.volumeLeg), '101');
  // the volume sell at 10.10 vs reference 10.05 gained 0.5, paid 0.1 fee → cost −0.4
  assert.equal(fx.format(v.volumeLegCost), '-0.4');
  const hours = p.hourly(DAY + 2 * 3_600_000);
  assert.equal(hours.length, 3);
  assert.equal(fx.format(hours[0]!.maker), '100');
  assert.equal(fx.format(hours[1]!.volumeLeg), '101');
  assert.equal(fx.format(p.volumeLegThisHour(DAY + 80 * 60_000)), '101');
  p.setTradingDay(DAY + 86_400_000);
  assert.equal(p.volumeToday().total, 0n, 'a new trading day starts from zero');
});

test('fees in base are valued at the fill price; a third token is tracked apart', () => {
  const p = new Portfolio(inst);
  p.setTradingDay(DAY);
  p.applyFill(fill('buy', 1000, 10, { fee: fx.parse('0.01'), feeAsset: 'TKN' }), 'mm', undefined);
  p.applyFill(fill('buy', 1000, 10, { fee: fx.parse('0.5'), feeAsset: 'BNB' }), 'mm', undefined);
  assert.equal(fx.format(p.pnl(fx.parse('10')).fees), '0.1');
  assert.equal(fx.format(p.otherFees.get('BNB')!), '0.5');
});

test('equity is quote plus base at the reference (spot)', () => {
  const p = new Portfolio(inst);
  p.setBalances([
    { asset: 'USDT', total: fx.parse('1000'), free: fx.parse('900'), locked: fx.parse('100') },
    { asset: 'TKN', total: fx.parse('50'), free: fx.parse('50'), locked: 0n },
  ]);
  assert.equal(fx.format(p.equity(fx.parse('2'))), '1100');
});
