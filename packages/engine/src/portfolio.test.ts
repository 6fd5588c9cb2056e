import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, fx } from '@mm/core';
import { Portfolio } from './portfolio.ts';

const spot = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' });
const perp = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' });

test('equity is quote plus base at the reference (spot)', () => {
  const p = new Portfolio(spot);
  p.setBalances([
    { asset: 'USDT', total: fx.parse('1000'), free: fx.parse('900'), locked: fx.parse('100') },
    { asset: 'TKN', total: fx.parse('50'), free: fx.parse('50'), locked: 0n },
  ]);
  assert.equal(fx.format(p.equity(fx.parse('2'))), '1100');
});

test('perp equity follows the wallet and the position at the reference, not a stale margin summary', () => {
  const p = new Portfolio(perp);
  p.setMargin({ asset: 'USDT', walletBalance: fx.parse('1000'), marginBalance: fx.parse('1000'), maintenanceMargin: 0n, initialMargin: 0n, availableBalance: fx.parse('1000'), updatedAt: 0 });
  assert.equal(fx.format(p.equity(fx.parse('10'))), '1000');
  // a fill: the wallet paid a fee and the account is now long 5 at 10
  p.setBalances([{ asset: 'USDT', total: fx.parse('999.5'), free: fx.parse('999.5'), locked: 0n }]);
  p.setPosition({ symbol: 'TKNUSDT', qtyLots: 5, entryPrice: fx.parse('10'), markPrice: fx.parse('10'), unrealizedPnl: 0n, leverage: 5, marginType: 'cross', maintenanceMargin: 0n, liquidationPrice: null, updatedAt: 1 });
  assert.equal(fx.format(p.equity(fx.parse('8'))), '989.5');
  p.setPosition({ symbol: 'TKNUSDT', qtyLots: -5, entryPrice: fx.parse('10'), markPrice: fx.parse('10'), unrealizedPnl: 0n, leverage: 5, marginType: 'cross', maintenanceMargin: 0n, liquidationPrice: null, updatedAt: 2 });
  assert.equal(fx.format(p.equity(fx.parse('8'))), '1009.5');
});
