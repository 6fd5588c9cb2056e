// Money that moves without a trade on the simulated exchange: funding payments and deposits
// reach the account's venue as `cashFlow` events, and the perp venue's margin summary follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, SimClock, fx } from '@mm/core';
import type { CashFlow, InstrumentDef, MarginSummary, OrderRequest } from '@mm/core';
import { SimExchange } from './exchange.ts';
import { SimVenue } from './venue.ts';

const PERP: InstrumentDef = { symbol: 'FUNDPERP', base: 'FND', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' };
const SPOT: InstrumentDef = { symbol: 'FNDUSDT', base: 'FND', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' };
const HOUR = 3_600_000;

function setup() {
  const clock = new SimClock(Date.UTC(2026, 2, 1));
  const exchange = new SimExchange({ clock, instruments: [PERP, SPOT], fundingIntervalMs: HOUR });
  for (const name of ['me', 'them']) {
    exchange.createAccount(name);
    exchange.deposit(name, 'USDT', fx.parse('100000'));
  }
  const venue = (market: 'perp' | 'spot'): SimVenue => new SimVenue({ exchange, account: 'me', clock, rng: new Rng(market), market });
  const seen = (v: SimVenue): { flows: CashFlow[]; margins: MarginSummary[] } => {
    const out = { flows: [] as CashFlow[], margins: [] as MarginSummary[] };
    v.events.on('cashFlow', (f) => out.flows.push(f));
    v.events.on('margin', (m) => out.margins.push(m));
    return out;
  };
  const wallet = (): bigint => exchange.marginSummary('me', 'USDT').walletBalance;
  return { clock, exchange, venue, seen, wallet };
}

const limit = (clientOrderId: string, side: 'buy' | 'sell', priceTicks: number, qtyLots: number, tif: OrderRequest['timeInForce']): OrderRequest => ({
  clientOrderId, symbol: PERP.symbol, side, type: 'limit', timeInForce: tif, priceTicks, qtyLots,
});

test('funding: one cashFlow per run whose amounts sum to the wallet change, then a fresh margin summary', async () => {
  const { clock, exchange, venue, seen, wallet } = setup();
  const perp = venue('perp');
  await perp.connect();
  const events = seen(perp);
  // me long 10 at 100 against them
  assert.ok(exchange.submit('them', limit('t1', 'sell', 10_000, 10, 'GTC')).ok);
  assert.ok(exchange.submit('me', limit('m1', 'buy', 10_000, 10, 'IOC')).ok);
  // the mark above the index: a positive rate, longs pay
  exchange.setMarkPrice(PERP.symbol, fx.parse('101'), fx.parse('100'));
  await clock.runUntil(clock.now() + 1);
  const before = wallet();
  const fillMargins = events.margins.length;
  assert.ok(fillMargins > 0, 'the fill reported margin');

  const start = clock.now();
  await clock.runUntil(start + 3 * HOUR + 1);
  assert.equal(events.flows.length, 3, 'one funding payment per hour');
  const total = events.flows.reduce((sum, f) => sum + f.amount, 0n);
  assert.equal(total, wallet() - before, 'the cash flows explain the whole wallet change');
  assert.ok(total < 0n, 'a long pays a positive rate');
  for (const f of events.flows) {
    assert.equal(f.kind, 'funding');
    assert.equal(f.symbol, PERP.symbol);
    assert.equal(f.asset, 'USDT');
    assert.equal(f.id, `funding:${PERP.symbol}:${f.venueTime}`);
  }
  assert.equal(new Set(events.flows.map((f) => f.id)).size, 3, 'ids are unique');
  assert.equal(events.margins.length, fillMargins + 3, 'each payment is followed by a margin summary');
  assert.equal(events.margins.at(-1)!.walletBalance, wallet());
  assert.equal(events.margins.at(-1)!.marginBalance, exchange.marginSummary('me', 'USDT').marginBalance);
  await perp.close();
  exchange.dispose();
});

test('funding is the counterparty side too: the short receives what the long pays, minus rounding', async () => {
  const { exchange, wallet } = setup();
  const theirs: CashFlow[] = [];
  exchange.listen('them', { balances: (_b, flow) => flow !== undefined && theirs.push(flow) });
  const mine: CashFlow[] = [];
  exchange.listen('me', { balances: (_b, flow) => flow !== undefined && mine.push(flow) });
  assert.ok(exchange.submit('them', limit('t1', 'sell', 10_000, 10, 'GTC')).ok);
  assert.ok(exchange.submit('me', limit('m1', 'buy', 10_000, 10, 'IOC')).ok);
  exchange.setMarkPrice(PERP.symbol, fx.parse('99'), fx.parse('100'));
  const before = wallet();
  exchange.settleFunding();
  assert.equal(mine.length, 1);
  assert.equal(theirs.length, 1);
  assert.equal(mine[0]!.id, theirs[0]!.id, 'one run, one id');
  // mark below index: the rate is −1 % + 0.01 %, so shorts pay longs
  assert.ok(mine[0]!.amount > 0n && theirs[0]!.amount < 0n);
  assert.equal(mine[0]!.amount, wallet() - before);
  assert.ok(fx.abs(mine[0]!.amount + theirs[0]!.amount) <= 1n);
  exchange.dispose();
});

test('payFunding: a funding fee of a given size, signed from the account side', async () => {
  const { exchange, wallet } = setup();
  const flows: CashFlow[] = [];
  exchange.listen('me', { balances: (_b, flow) => flow !== undefined && flows.push(flow) });
  const before = wallet();
  exchange.payFunding('me', PERP.symbol, fx.parse('-1.25'));
  exchange.payFunding('me', PERP.symbol, fx.parse('0.5'));
  assert.equal(wallet() - before, fx.parse('-0.75'));
  assert.deepEqual(flows.map((f) => [f.kind, fx.format(f.amount), f.symbol]), [['funding', '-1.25', PERP.symbol], ['funding', '0.5', PERP.symbol]]);
  assert.notEqual(flows[0]!.id, flows[1]!.id, 'two payments in one millisecond keep distinct ids');
  assert.throws(() => exchange.payFunding('me', SPOT.symbol, 1n), /not a perpetual/);
  exchange.dispose();
});

test('deposit: a transfer cashFlow once the account is listened to; the perp venue reports margin after it', async () => {
  const { clock, exchange, venue, seen } = setup();
  const perp = venue('perp');
  const spot = venue('spot');
  await perp.connect();
  await spot.connect();
  const p = seen(perp);
  const s = seen(spot);
  exchange.deposit('me', 'USDT', fx.parse('250'));
  await clock.runUntil(clock.now() + 1);
  for (const events of [p, s]) {
    assert.equal(events.flows.length, 1);
    const [flow] = events.flows;
    assert.equal(flow!.kind, 'transfer');
    assert.equal(flow!.symbol, undefined);
    assert.equal(flow!.asset, 'USDT');
    assert.equal(flow!.amount, fx.parse('250'));
    assert.equal(flow!.id, `transfer:USDT:${flow!.venueTime}`);
  }
  assert.equal(p.margins.length, 1);
  assert.equal(p.margins[0]!.walletBalance, fx.parse('100250'));
  assert.equal(s.margins.length, 0, 'spot has no margin summary');
  await perp.close();
  await spot.close();
  exchange.dispose();
});

test('the spot venue of an account does not report its perp funding', async () => {
  const { clock, exchange, venue, seen } = setup();
  const spot = venue('spot');
  await spot.connect();
  const events = seen(spot);
  assert.ok(exchange.submit('them', limit('t1', 'sell', 10_000, 10, 'GTC')).ok);
  assert.ok(exchange.submit('me', limit('m1', 'buy', 10_000, 10, 'IOC')).ok);
  exchange.setMarkPrice(PERP.symbol, fx.parse('101'), fx.parse('100'));
  exchange.settleFunding();
  await clock.runUntil(clock.now() + 1);
  assert.deepEqual(events.flows, []);
  await spot.close();
  exchange.dispose();
});

test('fills keep the perp margin summary current: wallet and margin balance move with fees and PnL', async () => {
  const { clock, exchange, venue, seen } = setup();
  const perp = venue('perp');
  await perp.connect();
  const events = seen(perp);
  const start = await perp.marginSummary();
  assert.ok(exchange.submit('them', limit('t1', 'sell', 10_000, 10, 'GTC')).ok);
  const placed = await perp.placeOrders([limit('m1', 'buy', 10_000, 10, 'IOC')]);
  assert.ok(placed[0]?.ok);
  exchange.setMarkPrice(PERP.symbol, fx.parse('103'));
  assert.ok(exchange.submit('them', limit('t2', 'buy', 10_300, 10, 'GTC')).ok);
  await perp.placeOrders([limit('m2', 'sell', 10_300, 10, 'IOC')]);
  await clock.runUntil(clock.now() + 1);
  const last = events.margins.at(-1);
  assert.ok(last !== undefined && events.margins.length >= 2);
  assert.notEqual(last.marginBalance, start!.marginBalance);
  // bought 10 at 100, sold 10 at 103, taker fees 5 bp on both
  assert.equal(last.walletBalance, fx.parse('100000') + fx.parse('30') - fx.parse('0.5') - fx.parse('0.515'));
  const { updatedAt: _at, ...now } = exchange.marginSummary('me', 'USDT');
  const { updatedAt: _then, ...reported } = last;
  assert.deepEqual(reported, now);
  await perp.close();
  exchange.dispose();
});
