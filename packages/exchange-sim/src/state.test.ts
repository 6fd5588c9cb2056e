import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import { DEMO_MARKETS, PaperWorld } from './world.ts';

test('a saved paper world restores balances, positions, resting orders in queue order, history and prices', async () => {
  const clock = new SimClock(Date.UTC(2026, 0, 5));
  const world = new PaperWorld({ clock, seed: 1, markets: DEMO_MARKETS });
  world.start();
  world.ensureAccount('bot');
  const venue = world.venue('bot', 'spot');
  const inst = world.exchange.instrument('DEMOUSDT');
  await clock.runUntil(clock.now() + 60_000);
  const bid = world.exchange.bestBid('DEMOUSDT')!;
  world.exchange.submit('bot', { clientOrderId: 'rest1', symbol: 'DEMOUSDT', side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: bid, qtyLots: 50 });
  world.exchange.submit('bot', { clientOrderId: 'rest2', symbol: 'DEMOUSDT', side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: bid - 5, qtyLots: 70 });
  world.exchange.submit('bot', { clientOrderId: 'take', symbol: 'DEMOUSDT', side: 'buy', type: 'limit', timeInForce: 'IOC', priceTicks: world.exchange.bestAsk('DEMOUSDT')!, qtyLots: 20 });
  void venue;
  const saved = JSON.parse(JSON.stringify(world.exportState())) as ReturnType<PaperWorld['exportState']>;
  const before = { balances: world.exchange.balances('bot'), open: world.exchange.openOrders('bot'), fills: world.exchange.fills('bot'), fair: world.simulators[0]!.fairPrice };

  const clock2 = new SimClock(clock.now() + 5_000);
  const restored = new PaperWorld({ clock: clock2, seed: 2, markets: DEMO_MARKETS, restore: saved });
  assert.deepEqual(restored.exchange.balances('bot'), before.balances);
  assert.deepEqual(
    restored.exchange.openOrders('bot').map((o) => [o.clientOrderId, o.priceTicks, o.qtyLots]),
    before.open.map((o) => [o.clientOrderId, o.priceTicks, o.qtyLots]),
  );
  assert.deepEqual(restored.exchange.fills('bot').map((f) => f.tradeId), before.fills.map((f) => f.tradeId));
  assert.equal(restored.exchange.getOrder('bot', { clientOrderId: 'take' })?.status, before.fills.length > 0 ? 'filled' : 'expired');
  assert.equal(restored.simulators[0]!.fairPrice, before.fair, 'the market carries on from its last price');
  // new ids never collide with ones issued before the save
  restored.start();
  const next = restored.exchange.submit('bot', { clientOrderId: 'after', symbol: 'DEMOUSDT', side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: bid - 50, qtyLots: 20 });
  assert.ok(next.ok, next.ok ? '' : next.error.message);
  assert.ok(Number(next.order.venueOrderId) > Number(before.open.at(-1)!.venueOrderId));
  // a cancel of a restored order releases exactly its lock
  const c = restored.exchange.cancel('bot', { symbol: 'DEMOUSDT', clientOrderId: 'rest2' });
  assert.ok(c.ok);
  const locked = restored.exchange.balances('bot').find((b) => b.asset === 'USDT')!.locked;
  assert.ok(locked > 0n && locked < fx.parse('100'), `remaining lock ${fx.format(locked)}`);
  void inst;
});
