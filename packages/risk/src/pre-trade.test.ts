import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, botConfigSchema, fx } from '@mm/core';
import type { OrderRequest, RiskConfig } from '@mm/core';
import { checkOrder } from './pre-trade.ts';
import type { PreTradeContext } from './pre-trade.ts';

const spot = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' });
const perp = new Instrument({ ...spot.toJSON(), symbol: 'TKNPERP', kind: 'perp' });

function risk(overrides: Partial<RiskConfig> = {}): RiskConfig {
  return { ...botConfigSchema.parse({ name: 'x', accountId: 'paper', symbol: 'TKNUSDT' }).risk, ...overrides };
}

function ctx(overrides: Partial<PreTradeContext> = {}): PreTradeContext {
  return {
    config: risk(),
    tradingState: 'ACTIVE',
    instrument: spot,
    reference: fx.parse('10'),
    openOrdersBot: 0,
    openOrdersAccount: 0,
    ordersLastMinute: 0,
    free: { base: fx.parse('1000'), quote: fx.parse('10000') },
    takerFee: fx.parse('0.001'),
    ownBestBid: undefined,
    ownBestAsk: undefined,
    ...overrides,
  };
}

const buy = (priceTicks: number, qtyLots = 10): OrderRequest => ({ clientOrderId: 'c1', symbol: spot.symbol, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks, qtyLots });
const sell = (priceTicks: number, qtyLots = 10): OrderRequest => ({ ...buy(priceTicks, qtyLots), side: 'sell' });

function ruleOf(verdict: ReturnType<typeof checkOrder>): string {
  return verdict.allow ? 'allowed' : verdict.denial.rule;
}

test('a normal order passes', () => {
  assert.equal(ruleOf(checkOrder(ctx(), buy(995))), 'allowed');
  assert.equal(ruleOf(checkOrder(ctx(), sell(1005))), 'allowed');
});

test('each pre-trade limit refuses with its rule, value and limit', () => {
  assert.equal(ruleOf(checkOrder(ctx({ tradingState: 'HALTED' }), buy(995))), 'halted');
  assert.equal(ruleOf(checkOrder(ctx({ openOrdersBot: 40 }), buy(995))), 'max_open_orders');
  assert.equal(ruleOf(checkOrder(ctx({ openOrdersAccount: 200 }), buy(995))), 'max_open_orders_account');
  assert.equal(ruleOf(checkOrder(ctx({ ordersLastMinute: 300 }), buy(995))), 'order_rate');
  assert.equal(ruleOf(checkOrder(ctx({ config: risk({ maxOrderNotionalQuote: '50' }) }), buy(995, 10))), 'max_order_notional');
  assert.equal(ruleOf(checkOrder(ctx({ reference: undefined }), buy(995))), 'price_deviation');
  const fat = checkOrder(ctx(), buy(1100));
  assert.equal(ruleOf(fat), 'price_deviation');
  if (!fat.allow) {
    assert.equal(fat.denial.value, '10.000 %');
    assert.equal(fat.denial.limit, '5 %');
  }
  assert.equal(ruleOf(checkOrder(ctx({ free: { base: fx.parse('5'), quote: fx.parse('10000') } }), sell(1005, 10))), 'insufficient_balance');
  assert.equal(ruleOf(checkOrder(ctx({ free: { base: fx.parse('1000'), quote: fx.parse('50') } }), buy(995, 10))), 'insufficient_balance');
  // 10 × 9.95 = 99.5 (+0.0995 fee) leaves 100.4005 free, below 150
  assert.equal(ruleOf(checkOrder(ctx({ config: risk({ minQuoteBalance: '150' }), free: { base: fx.parse('0'), quote: fx.parse('200') } }), buy(995, 10))), 'min_quote_balance');
});

test('an order that would cross our own resting order is refused (self-cross)', () => {
  const c = ctx({ ownBestAsk: 1000, ownBestBid: 990 });
  assert.equal(ruleOf(checkOrder(c, { ...buy(1000), timeInForce: 'IOC' })), 'self_cross');
  assert.equal(ruleOf(checkOrder(c, { ...buy(999), timeInForce: 'IOC' })), 'allowed');
  assert.equal(ruleOf(checkOrder(c, { ...sell(990), timeInForce: 'IOC' })), 'self_cross');
  assert.equal(ruleOf(checkOrder(c, { clientOrderId: 'm', symbol: spot.symbol, side: 'buy', type: 'market', timeInForce: 'IOC', qtyLots: 1 })), 'self_cross');
});

test('REDUCING allows only exposure-reducing orders', () => {
  assert.equal(ruleOf(checkOrder(ctx({ tradingState: 'REDUCING', reducingSide: 'sell' }), buy(995))), 'reduce_only');
  assert.equal(ruleOf(checkOrder(ctx({ tradingState: 'REDUCING', reducingSide: 'sell' }), sell(1005))), 'allowed');
  const perpCtx = ctx({ instrument: perp, tradingState: 'REDUCING', perp: { positionLots: 20, pendingBuyLots: 0, pendingSellLots: 0, availableMargin: fx.parse('1000'), leverage: 5 } });
  assert.equal(ruleOf(checkOrder(perpCtx, { ...sell(1005, 10), symbol: perp.symbol })), 'allowed');
  assert.equal(ruleOf(checkOrder(perpCtx, { ...sell(1005, 30), symbol: perp.symbol })), 'reduce_only');
  assert.equal(ruleOf(checkOrder(perpCtx, { ...buy(995, 1), symbol: perp.symbol })), 'reduce_only');
  // 15 more while 10 already rest on the sell side would flip a 20-lot long in the worst case
  const pending = ctx({ instrument: perp, tradingState: 'REDUCING', perp: { positionLots: 20, pendingBuyLots: 0, pendingSellLots: 10, availableMargin: fx.parse('1000'), leverage: 5 } });
  assert.equal(ruleOf(checkOrder(pending, { ...sell(1005, 15), symbol: perp.symbol })), 'reduce_only');
  assert.equal(ruleOf(checkOrder(pending, { ...sell(1005, 10), symbol: perp.symbol })), 'allowed');
});

test('perps: margin and position limits apply to increasing orders only', () => {
  const base = { instrument: perp, perp: { positionLots: 0, pendingBuyLots: 0, pendingSellLots: 0, availableMargin: fx.parse('19'), leverage: 5 } };
  // 10 × 9.95 = 99.5 notional → 19.9 margin at 5x > 19
  assert.equal(ruleOf(checkOrder(ctx(base), { ...buy(995, 10), symbol: perp.symbol })), 'insufficient_balance');
  assert.equal(ruleOf(checkOrder(ctx({ ...base, perp: { ...base.perp, availableMargin: fx.parse('20') } }), { ...buy(995, 10), symbol: perp.symbol })), 'allowed');
  const limited = ctx({ instrument: perp, config: risk({ maxPositionNotionalQuote: '150' }), perp: { positionLots: 10, pendingBuyLots: 0, pendingSellLots: 0, availableMargin: fx.parse('1000'), leverage: 5 } });
  assert.equal(ruleOf(checkOrder(limited, { ...buy(995, 10), symbol: perp.symbol })), 'position_limit');
  assert.equal(ruleOf(checkOrder(limited, { ...sell(1005, 10), symbol: perp.symbol })), 'allowed');
});
