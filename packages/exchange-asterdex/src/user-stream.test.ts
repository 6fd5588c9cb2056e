// The private stream against the mock: listenKey lifecycle (keepalive, expiry, a refused
// keepalive), reconnect reporting, fills during the gap recovered exactly once over REST, and
// duplicated or swapped events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill, OrderRequest, VenueOrder } from '@mm/core';
import type { ConnectionEvent, VenueRiskEvent } from '@mm/exchange';
import { ASTER_PERP, ASTER_SPOT, MOCK_ACCOUNT, startMockWithAdapters } from '../test-support/harness.ts';
import type { AsterMockServer } from '../test-support/mock-server.ts';
import { sleep, until } from '../test-support/wait.ts';
import type { AsterAdapterBase } from './adapter-base.ts';
import type { AsterPerpAdapter } from './adapter-perp.ts';

let seq = 0;
function order(symbol: string, priceTicks: number, qtyLots: number, side: 'buy' | 'sell' = 'buy'): OrderRequest {
  return { clientOrderId: `us${process.pid}x${++seq}`, symbol, side, type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots };
}

function take(mock: AsterMockServer, symbol: string, side: 'buy' | 'sell', priceTicks: number, qtyLots: number): void {
  const r = mock.exchange.submit('them', { clientOrderId: `them${++seq}`, symbol, side, type: 'limit', timeInForce: 'IOC', priceTicks, qtyLots });
  assert.ok(r.ok);
}

function record(venue: AsterAdapterBase) {
  const fills: Fill[] = [];
  const orders: VenueOrder[] = [];
  const states: ConnectionEvent[] = [];
  const risks: VenueRiskEvent[] = [];
  venue.events.on('fill', (f) => fills.push(f));
  venue.events.on('order', (o) => orders.push(o));
  venue.events.on('connection', (c) => states.push(c));
  venue.events.on('risk', (r) => risks.push(r));
  return { fills, orders, states, risks };
}

for (const market of ['perp', 'spot'] as const) {
  test(`${market}: listenKey expiry → new key and reconnect; the gap's fills come back over REST exactly once`, async () => {
    const symbol = market === 'perp' ? ASTER_PERP.symbol : ASTER_SPOT.symbol;
    const { mock, venue, sameAccount } = await startMockWithAdapters(market, 'v3');
    try {
      await sameAccount.close();
      const seen = record(venue);
      const request = order(symbol, 9_990, 30);
      const [placed] = await venue.placeOrders([request]);
      assert.ok(placed?.ok);
      take(mock, symbol, 'sell', 9_990, 10);
      await until(() => seen.fills.length === 1, 'the first fill on the stream');
      const firstKey = venue.streams.user!.currentKey;
      assert.ok(mock.faults.expireListenKey(MOCK_ACCOUNT.name, market === 'perp' ? 'futures' : 'spot'));
      // traded while our stream is down: the venue never pushes these to us
      take(mock, symbol, 'sell', 9_990, 10);
      await until(() => seen.states.some((s) => s.stream === 'private' && s.state === 'reconnected'), 'the private stream to reconnect');
      assert.notEqual(venue.streams.user!.currentKey, firstKey, 'a new listenKey');
      assert.equal(venue.streams.user!.keyRenewals, 1);
      assert.equal(seen.fills.length, 1, 'the gap fill was not on the stream');
      // the engine reconciles after 'reconnected': everything after the last trade id it saw
      const gap = await venue.fills({ symbol, afterTradeId: seen.fills[0]!.tradeId });
      assert.equal(gap.length, 1);
      assert.equal(gap[0]!.clientOrderId, request.clientOrderId);
      assert.equal(gap[0]!.qtyLots, 10);
      // a fill after the reconnect arrives on the stream again; REST and stream agree on ids
      take(mock, symbol, 'sell', 9_990, 10);
      await until(() => seen.fills.length === 2, 'a fill on the new connection');
      const all = await venue.fills({ symbol, since: 0 });
      const ids = all.map((f) => f.tradeId);
      assert.equal(new Set(ids).size, 3, 'each trade once in the venue history');
      assert.deepEqual(new Set([...seen.fills.map((f) => f.tradeId), ...gap.map((f) => f.tradeId)]), new Set(ids));
    } finally {
      await venue.close();
      await mock.close();
    }
  });
}

test('keepalive extends the key; a keepalive the venue refuses (-1125) leads to a new key and a reconnect', async () => {
  const { mock, venue, sameAccount } = await startMockWithAdapters('perp', 'v1', {
    mock: { listenKeyValidityMs: 600 },
    adapter: { streams: { keepaliveMs: 150 } },
  });
  try {
    await sameAccount.close();
    const seen = record(venue);
    await sleep(1_000);
    assert.ok(!seen.states.some((s) => s.state === 'disconnected'), 'kept alive beyond the validity');
    assert.ok(mock.requests.filter((r) => r.method === 'PUT' && r.path === '/fapi/v1/listenKey').length >= 4);
    // the venue forgets the key silently
    const key = mock.state.activeKey(MOCK_ACCOUNT.name, 'futures')!;
    mock.state.dropKey(key);
    await until(() => seen.states.some((s) => s.stream === 'private' && s.state === 'reconnected'), 'a reconnect with a fresh key');
    assert.notEqual(venue.streams.user!.currentKey, key.key);
    const [placed] = await venue.placeOrders([order(ASTER_PERP.symbol, 9_900, 10)]);
    assert.ok(placed?.ok);
    await until(() => seen.orders.some((o) => o.clientOrderId === (placed.ok ? placed.order.clientOrderId : '')), 'events on the new key');
  } finally {
    await venue.close();
    await mock.close();
  }
});

test('duplicated and swapped events: fills keep their trade ids, the order never moves backwards', async () => {
  const { mock, venue, sameAccount } = await startMockWithAdapters('perp', 'v3');
  try {
    await sameAccount.close();
    const seen = record(venue);
    mock.faults.duplicateFills(true);
    mock.faults.outOfOrderEvents(true);
    const request = order(ASTER_PERP.symbol, 9_990, 30);
    await venue.placeOrders([request]);
    for (let i = 0; i < 3; i++) take(mock, ASTER_PERP.symbol, 'sell', 9_990, 10);
    await until(() => new Set(seen.fills.map((f) => f.tradeId)).size === 3, 'all three trades');
    await sleep(100);
    assert.ok(seen.fills.length > 3, 'duplicates were delivered');
    const statuses = seen.orders.filter((o) => o.clientOrderId === request.clientOrderId).map((o) => o.filledLots);
    for (let i = 1; i < statuses.length; i++) assert.ok(statuses[i]! >= statuses[i - 1]!, `filled lots never go back: ${statuses.join(',')}`);
    assert.equal(seen.orders.filter((o) => o.clientOrderId === request.clientOrderId).at(-1)?.status, 'filled');
  } finally {
    await venue.close();
    await mock.close();
  }
});

test('risk events: leverage changes (ACCOUNT_CONFIG_UPDATE) and positions (ACCOUNT_UPDATE)', async () => {
  const { mock, venue, sameAccount } = await startMockWithAdapters('perp', 'v3');
  try {
    await sameAccount.close();
    const seen = record(venue);
    const positions: number[] = [];
    venue.events.on('position', (p) => positions.push(p.qtyLots));
    await (venue as AsterPerpAdapter).setLeverage(ASTER_PERP.symbol, 7);
    await until(() => seen.risks.some((r) => r.kind === 'leverage_changed' && r.details?.['leverage'] === 7), 'a leverage_changed risk event');
    await venue.placeOrders([order(ASTER_PERP.symbol, 10_000, 10)]);
    take(mock, ASTER_PERP.symbol, 'sell', 10_000, 10);
    await until(() => positions.includes(10), 'a position update of +10 lots');
  } finally {
    await venue.close();
    await mock.close();
  }
});
