// Perp-specific adapter features against the mock: account settings, risk figures, fees,
// and what each family can and cannot do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import { ASTER_PERP, MOCK_ACCOUNT, startMockWithAdapters } from '../test-support/harness.ts';
import type { AsterPerpAdapter } from './adapter-perp.ts';

const SYMBOL = ASTER_PERP.symbol;

test('connect switches a hedge-mode account to one-way mode', async () => {
  const { mock, close } = await startMockWithAdapters('perp', 'v1', {
    // the harness connects right away; flip the mode, then connect a third adapter
  });
  try {
    mock.state.positionMode.set(MOCK_ACCOUNT.name, true);
    const { AsterPerpAdapter: Perp } = await import('./adapter-perp.ts');
    const { LiveClock, Rng } = await import('@mm/core');
    const third = new Perp({ family: 'v1', credentials: { apiKey: MOCK_ACCOUNT.apiKey, apiSecret: MOCK_ACCOUNT.apiSecret }, clock: new LiveClock(), rng: new Rng(3), urls: mock.urls });
    await third.connect();
    assert.equal(mock.state.positionMode.get(MOCK_ACCOUNT.name), false);
    await third.close();
  } finally {
    await close();
  }
});

test('leverage, margin type, brackets, max notional, position risk, ADL quantile, fees and margin summary', async () => {
  const { mock, venue: v, close } = await startMockWithAdapters('perp', 'v3');
  const venue = v as AsterPerpAdapter;
  try {
    await venue.setLeverage(SYMBOL, 20);
    assert.equal((await venue.positionRisk(SYMBOL)).leverage, 20);
    assert.equal(await venue.maxNotional(SYMBOL), fx.parse('250000'), 'at 20x the second bracket caps the position');
    assert.equal(await venue.maxNotional(SYMBOL, 50), fx.parse('50000'));
    const brackets = await venue.leverageBrackets(SYMBOL);
    assert.equal(brackets.length, 3);
    assert.equal(brackets[1]!.maintMarginRatio, fx.parse('0.005'));
    await venue.setMarginType(SYMBOL, 'isolated');
    await venue.setMarginType(SYMBOL, 'isolated'); // "no need to change" is success
    await assert.rejects(venue.setLeverage(SYMBOL, 0), (e: { code?: string }) => e.code === 'INVALID_ARGUMENT');
    // open a position against the counterparty
    const [placed] = await venue.placeOrders([{ clientOrderId: 'perpA1', symbol: SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 10_000, qtyLots: 50 }]);
    assert.ok(placed?.ok);
    assert.ok(mock.exchange.submit('them', { clientOrderId: 'them1', symbol: SYMBOL, side: 'sell', type: 'limit', timeInForce: 'IOC', priceTicks: 10_000, qtyLots: 50 }).ok);
    // the mark moves up: the long is in profit, and alone on its side it is first in line for ADL
    mock.exchange.setMarkPrice(SYMBOL, fx.parse('110'));
    const [position] = await venue.positions(SYMBOL);
    assert.equal(position?.qtyLots, 50);
    assert.equal(position?.leverage, 20);
    assert.equal(position?.marginType, 'isolated');
    assert.equal(position?.entryPrice, fx.parse('100'));
    assert.equal(position?.adlQuantile, 4);
    assert.equal(position?.markPrice, fx.parse('110'));
    assert.ok(position !== undefined && position.maintenanceMargin > 0n, 'maintenance margin from the brackets');
    const fees = await venue.feeRates(SYMBOL);
    assert.equal(fees.maker, fx.parse('0.0002'));
    assert.equal(fees.taker, fx.parse('0.0005'));
    const margin = await venue.marginSummary();
    assert.equal(margin?.asset, 'USDT');
    assert.ok(margin !== null && margin.walletBalance > 0n && margin.availableBalance > 0n);
  } finally {
    await close();
  }
});

test('V3: account STP and amend; V1: neither (capabilities say so)', async () => {
  const v3 = await startMockWithAdapters('perp', 'v3');
  try {
    assert.deepEqual(v3.venue.capabilities.stpModes, ['expire_taker', 'expire_maker', 'expire_both']);
    assert.equal(v3.venue.capabilities.amend, true);
    await v3.venue.setAccountStp('expire_both');
    assert.equal(v3.mock.state.stpModes.get(MOCK_ACCOUNT.name), 'EXPIRE_BOTH');
    const [placed] = await v3.venue.placeOrders([{ clientOrderId: 'amendA1', symbol: SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 9_000, qtyLots: 10 }]);
    assert.ok(placed?.ok);
    const amended = await v3.venue.amendOrder({ symbol: SYMBOL, clientOrderId: 'amendA1', priceTicks: 9_001, qtyLots: 12 });
    assert.ok(amended.ok && amended.order.priceTicks === 9_001 && amended.order.qtyLots === 12);
    const missing = await v3.venue.amendOrder({ symbol: SYMBOL, clientOrderId: 'nope', priceTicks: 9_001, qtyLots: 12 });
    assert.ok(!missing.ok && missing.error.code === 'ORDER_NOT_FOUND' && missing.outcome === 'rejected');
  } finally {
    await v3.close();
  }
  const v1 = await startMockWithAdapters('perp', 'v1');
  try {
    assert.deepEqual(v1.venue.capabilities.stpModes, []);
    assert.equal(v1.venue.capabilities.amend, false);
    const before = v1.mock.requests.length;
    await v1.venue.setAccountStp('expire_taker');
    assert.equal(v1.mock.requests.length, before, 'V1 has no STP endpoint: nothing is sent');
    const amend = await v1.venue.amendOrder({ symbol: SYMBOL, clientOrderId: 'x', priceTicks: 1, qtyLots: 1 });
    assert.ok(!amend.ok && amend.error.code === 'NOT_SUPPORTED');
  } finally {
    await v1.close();
  }
});

test('batch cancel: up to 10 per request, per-order results in request order', async () => {
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v3');
  try {
    const requests = Array.from({ length: 12 }, (_, i) => ({ clientOrderId: `bc${i}`, symbol: SYMBOL, side: 'buy' as const, type: 'limit' as const, timeInForce: 'GTC' as const, priceTicks: 9_000 - i, qtyLots: 10 }));
    const placed = await venue.placeOrders(requests);
    assert.ok(placed.every((r) => r.ok));
    assert.equal(mock.requests.filter((r) => r.path === '/fapi/v3/batchOrders' && r.method === 'POST').length, 3, '5 + 5 + 2');
    const cancels = [...requests.map((r) => ({ symbol: SYMBOL, clientOrderId: r.clientOrderId })), { symbol: SYMBOL, clientOrderId: 'neverplaced' }];
    const results = await venue.cancelOrders(cancels);
    assert.equal(results.length, 13);
    assert.ok(results.slice(0, 12).every((r) => r.ok && r.order?.status === 'canceled'));
    const last = results[12]!;
    assert.ok(!last.ok && last.error.code === 'ORDER_NOT_FOUND' && last.outcome === 'rejected');
    assert.equal(mock.requests.filter((r) => r.path === '/fapi/v3/batchOrders' && r.method === 'DELETE').length, 2, '10 + 3');
  } finally {
    await close();
  }
});

test('spot has no dead-man switch, leverage or amend, and says so', async () => {
  const { venue, close } = await startMockWithAdapters('spot', 'v3');
  try {
    assert.equal(venue.capabilities.deadManSwitch, false);
    await assert.rejects(venue.setDeadManSwitch('CONFUSDC', 1000), (e: { code?: string }) => e.code === 'NOT_SUPPORTED');
    await assert.rejects(venue.setLeverage('CONFUSDC', 2), (e: { code?: string }) => e.code === 'NOT_SUPPORTED');
    assert.deepEqual(await venue.positions(), []);
    assert.equal(await venue.marginSummary(), null);
    const fees = await venue.feeRates('CONFUSDC');
    assert.equal(fees.maker, fx.parse('0.0002'));
  } finally {
    await close();
  }
});
