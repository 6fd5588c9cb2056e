// Precision: ccxt's market precision → our tick and lot strings without float rounding, and
// prices that a double cannot hold (8999999.999999999 parses to …998) travel exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { PRECISION_MODE } from './ccxt-types.ts';
import type { CcxtMarket } from './ccxt-types.ts';
import { instrumentDefFromMarket, stepFromDecimalPlaces } from './precision.ts';
import { startCcxtMock } from '../test-support/harness.ts';

function market(price: unknown, amount: unknown, limits: CcxtMarket['limits'] = {}): CcxtMarket {
  return { id: 'XUSDT', symbol: 'X/USDT', base: 'X', quote: 'USDT', spot: true, precision: { price, amount } as CcxtMarket['precision'], limits };
}

test('TICK_SIZE precision: strings kept as given, doubles through their shortest decimal, exponents expanded', () => {
  const cases: [unknown, string][] = [
    ['0.00000001', '0.00000001'],
    [1e-8, '0.00000001'],
    ['1e-7', '0.0000001'],
    [0.1, '0.1'],
    [5e-7, '0.0000005'],
    ['0.000025', '0.000025'],
    [0.5, '0.5'],
    ['10', '10'],
    // a double ccxt computed is taken at face value, not "corrected"
    [0.30000000000000004, '0.30000000000000004'],
  ];
  for (const [input, expected] of cases) {
    const def = instrumentDefFromMarket(market(input, '0.001'), PRECISION_MODE.TICK_SIZE);
    assert.equal(def.tickSize, expected, `price precision ${String(input)}`);
  }
  const def = instrumentDefFromMarket(market('0.01', 1e-5, { amount: { min: '0.00012', max: 9e6 }, cost: { min: 5 } }), PRECISION_MODE.TICK_SIZE);
  assert.deepEqual({ lot: def.lotSize, minQty: def.minQty, maxQty: def.maxQty, minNotional: def.minNotional }, { lot: '0.00001', minQty: '0.00012', maxQty: '9000000', minNotional: '5' });
});

test('DECIMAL_PLACES precision becomes a step; SIGNIFICANT_DIGITS is refused', () => {
  assert.equal(stepFromDecimalPlaces(8, 'p'), '0.00000001');
  assert.equal(stepFromDecimalPlaces('2', 'p'), '0.01');
  assert.equal(stepFromDecimalPlaces(0, 'p'), '1');
  assert.equal(stepFromDecimalPlaces(-2, 'p'), '100');
  assert.throws(() => stepFromDecimalPlaces(1.5, 'p'), /whole number/);
  const def = instrumentDefFromMarket(market(4, 3), PRECISION_MODE.DECIMAL_PLACES);
  assert.deepEqual([def.tickSize, def.lotSize, def.minQty, def.minNotional], ['0.0001', '0.001', '0.001', '0']);
  assert.throws(() => instrumentDefFromMarket(market(5, 3), PRECISION_MODE.SIGNIFICANT_DIGITS), (e: { code?: string }) => e.code === 'NOT_SUPPORTED');
});

const FINE: InstrumentDef = { symbol: 'FINEUSDC', base: 'FINE', quote: 'USDC', kind: 'spot', tickSize: '0.000000001', lotSize: '0.001', minQty: '0.001', minNotional: '1' };

test('a price a double cannot represent goes to the venue and comes back exactly (REST, stream, balances)', async () => {
  const setup = await startCcxtMock({ instruments: [FINE] });
  try {
    const venue = setup.adapter('precision');
    const updates: number[] = [];
    const bookBids: number[] = [];
    venue.events.on('order', (o) => updates.push(o.priceTicks));
    venue.events.on('book', (b) => bookBids.push(...b.bids.map((l) => l.priceTicks)));
    await venue.connect();
    const inst = venue.instrument('FINE/USDC');
    assert.deepEqual([inst.tickSize, inst.lotSize, inst.minQty, inst.minNotional], ['0.000000001', '0.001', '0.001', '1']);
    await venue.subscribeMarket('FINE/USDC');
    const priceTicks = 8_999_999_999_999_999; // 8999999.999999999: Number('8999999.999999999') is …998
    assert.equal(inst.ticksToPrice(priceTicks), '8999999.999999999');
    assert.notEqual(String(Number('8999999.999999999')), '8999999.999999999');
    const [placed] = await venue.placeOrders([{ clientOrderId: 'fine1', symbol: 'FINE/USDC', side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: 1 }]);
    assert.ok(placed?.ok, placed && !placed.ok ? placed.error.message : '');
    assert.equal(placed.order.priceTicks, priceTicks);
    const sent = setup.front.requests.find((r) => r.method === 'POST' && r.path === '/api/v3/order')!;
    assert.equal(new URLSearchParams(sent.body).get('price'), '8999999.999999999');
    assert.equal(new URLSearchParams(sent.body).get('quantity'), '0.001');
    assert.equal((await venue.queryOrder({ symbol: 'FINE/USDC', clientOrderId: 'fine1' }))?.priceTicks, priceTicks);
    assert.equal((await venue.openOrders('FINE/USDC'))[0]?.priceTicks, priceTicks);
    for (let i = 0; i < 100 && (!updates.includes(priceTicks) || bookBids.length === 0); i++) await setup.clock.sleep(20);
    assert.ok(updates.length > 0 && updates.every((t) => t === priceTicks), `stream order prices ${updates.join(',')}`);
    // ccxt parses book levels as doubles (safeFloat): a 16-digit level can only be shown
    // passively rounded, never better than the venue's; orders, fills and balances are exact
    assert.ok(bookBids.length > 0 && bookBids.every((t) => t <= priceTicks && t >= priceTicks - 2), `book bids ${bookBids.join(',')}`);
    const usdc = (await venue.balances()).find((b) => b.asset === 'USDC')!;
    const atVenue = setup.mock.exchange.balances('me').find((b) => b.asset === 'USDC')!;
    // the venue prints balances with 8 decimals; what it prints arrives unchanged
    const printed = (v: bigint): bigint => fx.parse(fx.format(v, { decimals: 8 }));
    assert.equal(usdc.locked, printed(atVenue.locked), 'locked balance exact to the last printed digit');
    assert.equal(usdc.free, printed(atVenue.free));
  } finally {
    await setup.close();
  }
});

test('book levels with up to 15 significant digits are exact ticks', async () => {
  const setup = await startCcxtMock({ instruments: [FINE] });
  try {
    const venue = setup.adapter('book');
    const bids: number[] = [];
    venue.events.on('book', (b) => bids.push(...b.bids.map((l) => l.priceTicks)));
    await venue.connect();
    await venue.subscribeMarket('FINE/USDC');
    const priceTicks = 123_456_789_012_345; // 123456.789012345
    const [placed] = await venue.placeOrders([{ clientOrderId: 'fine2', symbol: 'FINE/USDC', side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: 10 }]);
    assert.ok(placed?.ok);
    for (let i = 0; i < 100 && !bids.includes(priceTicks); i++) await setup.clock.sleep(20);
    assert.ok(bids.includes(priceTicks));
  } finally {
    await setup.close();
  }
});
