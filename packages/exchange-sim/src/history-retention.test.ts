// How long the simulated venue remembers closed orders and fills: with historyMaxAgeMs, entries
// older than the window are forgotten as new ones arrive, so a long-running paper venue holds a
// window's worth, not a day's; without it only the count limit applies, as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { SimExchange } from './exchange.ts';
import { PaperWorld } from './world.ts';

const SPOT: InstrumentDef = { symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' };
const MINUTE = 60_000;

function exchange(options: { historyMaxAgeMs?: number; historyLimit?: number } = {}) {
  const clock = new SimClock(0);
  const ex = new SimExchange({ clock, instruments: [SPOT], fundingIntervalMs: 0, ...options });
  for (const name of ['maker', 'taker']) {
    ex.createAccount(name, { stpMode: 'expire_taker' });
    ex.deposit(name, 'USDT', fx.parse('1000000'));
    ex.deposit(name, 'TKN', fx.parse('1000000'));
  }
  let seq = 0;
  /** One trade at `now`: the maker's order fills (a closed order and a fill for each side). */
  const trade = (): string => {
    const id = `m${++seq}`;
    assert.ok(ex.submit('maker', { clientOrderId: id, symbol: SPOT.symbol, side: 'sell', type: 'limit', timeInForce: 'GTC', priceTicks: 100, qtyLots: 1 }).ok);
    assert.ok(ex.submit('taker', { clientOrderId: `t${seq}`, symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'IOC', priceTicks: 100, qtyLots: 1 }).ok);
    return id;
  };
  /** A canceled order at `now`. */
  const cancel = (): string => {
    const id = `c${++seq}`;
    assert.ok(ex.submit('maker', { clientOrderId: id, symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 90, qtyLots: 2 }).ok);
    assert.ok(ex.cancel('maker', { symbol: SPOT.symbol, clientOrderId: id }).ok);
    return id;
  };
  const later = (ms: number) => clock.runUntilSync(clock.now() + ms);
  return { clock, ex, trade, cancel, later };
}

test('closed orders and fills older than the window are forgotten once newer ones arrive', () => {
  const { ex, trade, cancel, later } = exchange({ historyMaxAgeMs: 60 * MINUTE });
  const oldFilled = trade();
  const oldCanceled = cancel();
  later(30 * MINUTE);
  const middle = trade();
  later(31 * MINUTE); // the first two are 61 minutes old now, the middle one 31
  assert.equal(ex.getOrder('maker', { clientOrderId: oldFilled })?.status, 'filled', 'nothing is dropped until something new closes');
  const recent = trade();

  assert.equal(ex.getOrder('maker', { clientOrderId: oldFilled }), null);
  assert.equal(ex.getOrder('maker', { clientOrderId: oldCanceled }), null);
  assert.equal(ex.getOrder('maker', { clientOrderId: middle })?.status, 'filled');
  assert.equal(ex.getOrder('maker', { clientOrderId: recent })?.status, 'filled');
  assert.deepEqual(ex.fills('maker').map((f) => f.clientOrderId), [middle, recent]);
});

test('the count limit still caps the history inside the window, oldest first', () => {
  const { ex, cancel } = exchange({ historyMaxAgeMs: 60 * MINUTE, historyLimit: 3 });
  const ids = [cancel(), cancel(), cancel(), cancel(), cancel()];
  assert.deepEqual(
    ids.map((id) => ex.getOrder('maker', { clientOrderId: id }) !== null),
    [false, false, true, true, true],
  );
});

test('without a window, age alone forgets nothing', () => {
  const { ex, trade, later } = exchange();
  const first = trade();
  later(48 * 60 * MINUTE);
  trade();
  assert.equal(ex.getOrder('maker', { clientOrderId: first })?.status, 'filled');
  assert.equal(ex.fills('maker').length, 2);
});

test('a paper world passes its window to its exchange', () => {
  const clock = new SimClock(0);
  const world = new PaperWorld({
    clock,
    seed: 1,
    historyMaxAgeMs: MINUTE,
    markets: [{ instrument: SPOT, path: { kind: 'random-walk', startPrice: 1, dailyVolatility: 0.01 } }],
  });
  world.ensureAccount('paper', { USDT: '1000' });
  const submit = (id: string) => world.exchange.submit('paper', { clientOrderId: id, symbol: SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 90, qtyLots: 2 });
  assert.ok(submit('first').ok);
  assert.ok(world.exchange.cancel('paper', { symbol: SPOT.symbol, clientOrderId: 'first' }).ok);
  clock.runUntilSync(2 * MINUTE);
  assert.ok(submit('second').ok);
  assert.ok(world.exchange.cancel('paper', { symbol: SPOT.symbol, clientOrderId: 'second' }).ok);
  assert.equal(world.exchange.getOrder('paper', { clientOrderId: 'first' }), null);
  assert.equal(world.exchange.getOrder('paper', { clientOrderId: 'second' })?.status, 'canceled');
  world.stop();
  world.exchange.dispose();
});
