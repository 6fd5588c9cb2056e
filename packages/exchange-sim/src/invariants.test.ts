// Property tests over randomized order flow: whatever participants do, the exchange conserves
// every asset, never lets a balance go negative or a lock exceed its balance, keeps locks equal
// to what open orders reserve, never leaves the book crossed, and with self-trade prevention on
// never matches an account with itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, SimClock, fx } from '@mm/core';
import type { InstrumentDef, OrderRequest, StpMode, TimeInForce } from '@mm/core';
import { SimExchange } from './exchange.ts';

const SPOT: InstrumentDef = { symbol: 'AAAUSDT', base: 'AAA', quote: 'USDT', kind: 'spot', tickSize: '0.001', lotSize: '0.1', minQty: '0.1', minNotional: '0.5' };
const PERP: InstrumentDef = { symbol: 'AAAPERP', base: 'AAA', quote: 'USDT', kind: 'perp', tickSize: '0.001', lotSize: '0.1', minQty: '0.1', minNotional: '0.5' };
const ACCOUNTS = ['a', 'b', 'c', 'd', 'e'];

function randomRun(seed: number, events: number, stp: StpMode, check: (ex: SimExchange, step: number) => void): SimExchange {
  const rng = new Rng(seed);
  const clock = new SimClock(0);
  const ex = new SimExchange({ clock, instruments: [SPOT, PERP], fundingIntervalMs: 0, maxOpenOrdersPerAccount: 100_000 });
  for (const name of ACCOUNTS) {
    ex.createAccount(name, { stpMode: stp });
    ex.deposit(name, 'USDT', fx.parse(String(rng.int(2_000, 50_000))));
    ex.deposit(name, 'AAA', fx.parse(String(rng.int(200, 5_000))));
    ex.setLeverage(name, PERP.symbol, rng.int(1, 10));
  }
  ex.setMarkPrice(PERP.symbol, fx.parse('10'));
  const tifs: TimeInForce[] = ['GTC', 'GTC', 'GTC', 'POST_ONLY', 'IOC', 'FOK'];
  const live: { account: string; symbol: string; clientOrderId: string }[] = [];
  let id = 0;
  for (let step = 0; step < events; step++) {
    const account = rng.pick(ACCOUNTS);
    const symbol = rng.bool(0.7) ? SPOT.symbol : PERP.symbol;
    const action = rng.next();
    if (action < 0.6 || live.length === 0) {
      const market = rng.bool(0.05);
      const request: OrderRequest = {
        clientOrderId: `o${++id}`,
        symbol,
        side: rng.bool() ? 'buy' : 'sell',
        type: market ? 'market' : 'limit',
        timeInForce: market ? 'IOC' : rng.pick(tifs),
        ...(market ? {} : { priceTicks: 10_000 + rng.int(-150, 150) }),
        qtyLots: rng.int(1, 300),
        ...(symbol === PERP.symbol && rng.bool(0.1) ? { reduceOnly: true } : {}),
      };
      const result = ex.submit(account, request);
      if (result.ok && (result.order.status === 'open' || result.order.status === 'partially_filled')) {
        live.push({ account, symbol, clientOrderId: request.clientOrderId });
      }
    } else if (action < 0.85) {
      const i = rng.int(0, live.length - 1);
      const target = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      ex.cancel(target.account, { symbol: target.symbol, clientOrderId: target.clientOrderId });
    } else if (action < 0.95) {
      const target = rng.pick(live);
      ex.amend(target.account, { symbol: target.symbol, clientOrderId: target.clientOrderId, priceTicks: 10_000 + rng.int(-150, 150), qtyLots: rng.int(1, 300) });
    } else {
      ex.setMarkPrice(PERP.symbol, fx.parse((10 + rng.uniform(-0.2, 0.2)).toFixed(3)));
    }
    check(ex, step);
  }
  return ex;
}

function checkInvariants(ex: SimExchange, initial: Map<string, bigint>, initialEquity: bigint): void {
  // spot assets are conserved exactly (fees move to the venue's fee account)
  const totals = ex.totals();
  assert.equal(totals.get('AAA'), initial.get('AAA'), 'AAA conserved');
  // USDT is shared by spot and perp wallets: conserved together with unrealised PnL, up to rounding
  const equity = ex.equityTotals().get('USDT')!;
  assert.ok(fx.abs(equity - initialEquity) < 10n ** 9n, `USDT equity drift ${equity - initialEquity}`);
  for (const b of ex.rawBalances()) {
    if (b.account.startsWith('__')) continue;
    assert.ok(b.locked >= 0n, `${b.account} ${b.asset} locked ${b.locked} < 0`);
    assert.ok(b.locked <= b.total || b.asset === 'USDT', `${b.account} ${b.asset} locked exceeds total`);
    if (b.asset === 'AAA') assert.ok(b.total >= 0n, `${b.account} AAA negative`);
  }
  // locks equal what open orders reserve
  const reserved = new Map<string, bigint>();
  for (const symbol of [SPOT.symbol, PERP.symbol]) {
    const book = ex.book(symbol);
    for (const side of [book.bids, book.asks]) {
      for (const o of side.orders()) {
        const asset = symbol === PERP.symbol ? 'USDT' : o.side === 'buy' ? 'USDT' : 'AAA';
        const key = `${ex.accountNames()[o.account]}/${asset}`;
        reserved.set(key, (reserved.get(key) ?? 0n) + o.locked);
      }
    }
    const bid = book.bids.bestPrice();
    const ask = book.asks.bestPrice();
    if (bid !== undefined && ask !== undefined) assert.ok(bid < ask, `${symbol} book crossed: ${bid} >= ${ask}`);
  }
  for (const b of ex.rawBalances()) {
    if (b.account.startsWith('__')) continue;
    assert.equal(b.locked, reserved.get(`${b.account}/${b.asset}`) ?? 0n, `${b.account}/${b.asset} lock matches open orders`);
  }
  assert.equal(ex.netPositions().get(PERP.symbol) ?? 0, 0, 'perp positions net to zero');
}

test('invariants hold after every event of randomized runs (5 seeds × 4,000 events)', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    let baseline: { totals: Map<string, bigint>; equity: bigint } | undefined;
    randomRun(seed, 4_000, 'expire_taker', (e) => {
      if (baseline === undefined) baseline = { totals: e.totals(), equity: e.equityTotals().get('USDT')! };
      checkInvariants(e, baseline.totals, baseline.equity);
    });
  }
});

test('invariants hold across long randomized runs, checked every 250 events', () => {
  for (const seed of [11, 12, 13]) {
    let baseline: { totals: Map<string, bigint>; equity: bigint } | undefined;
    const ex = randomRun(seed, 20_000, 'expire_maker', (e, step) => {
      if (baseline === undefined) baseline = { totals: e.totals(), equity: e.equityTotals().get('USDT')! };
      if (step % 250 === 0) checkInvariants(e, baseline.totals, baseline.equity);
    });
    checkInvariants(ex, baseline!.totals, baseline!.equity);
    assert.ok(ex.counters.trades > 1_000, `seed ${seed}: only ${ex.counters.trades} trades`);
  }
});

test('100,000 random events with STP on: zero self-trades; with STP off the same flow self-trades', () => {
  const on = randomRun(99, 100_000, 'expire_taker', () => {});
  assert.equal(on.counters.selfTrades, 0);
  assert.ok(on.counters.stpPrevented > 100, `STP should have had work to do: ${on.counters.stpPrevented}`);
  assert.ok(on.counters.trades > 10_000);
  const off = randomRun(99, 20_000, 'none', () => {});
  assert.ok(off.counters.selfTrades > 100, `expected self-trades without STP, got ${off.counters.selfTrades}`);
});

test('the same seed produces the identical sequence of trades', () => {
  const fingerprint = (seed: number) => {
    const ex = randomRun(seed, 5_000, 'expire_both', () => {});
    return JSON.stringify([ex.counters, ex.sequences, [...ex.totals()].map(([a, v]) => [a, String(v)])]);
  };
  assert.equal(fingerprint(5), fingerprint(5));
  assert.notEqual(fingerprint(5), fingerprint(6));
});
