import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, fx, referencePriceSchema } from '@mm/core';
import type { BookSnapshot, ReferencePriceConfig } from '@mm/core';
import { ReferencePrice } from './reference-price.ts';
import type { ReferenceValue } from './types.ts';

const p = fx.parse;
const inst = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '1' });

function config(overrides: Partial<ReferencePriceConfig> = {}): ReferencePriceConfig {
  return { ...referencePriceSchema.parse({ maxAgeMs: 1_000, emaHalfLifeMs: 1_000 }), ...overrides };
}

function book(bid: [number, number] | undefined, ask: [number, number] | undefined, receivedAt: number, symbol = 'TKNUSDT'): BookSnapshot {
  return {
    symbol,
    bids: bid === undefined ? [] : [{ priceTicks: bid[0], qtyLots: bid[1] }],
    asks: ask === undefined ? [] : [{ priceTicks: ask[0], qtyLots: ask[1] }],
    sequence: 1,
    venueTime: receivedAt - 5,
    receivedAt,
  };
}

function price(v: ReferenceValue): string {
  assert.ok(v.ok, `expected a price, got ${v.ok ? '' : `${v.reason}: ${v.detail}`}`);
  return fx.format(v.price);
}

function failure(v: ReferenceValue): string {
  assert.ok(!v.ok, 'expected a failure');
  return v.reason;
}

test('mid and microprice from the book, with their age from the local receive time', () => {
  const ref = new ReferencePrice(config(), inst);
  assert.equal(failure(ref.value(0)), 'no_data');
  // bid 100.00 × 3, ask 100.04 × 1
  ref.onBook(book([10_000, 3], [10_004, 1], 1_000));
  const v = ref.value(1_250);
  assert.ok(v.ok);
  assert.equal(v.source, 'mid');
  assert.equal(v.ageMs, 250);
  // (100.00 + 100.04) / 2 = 100.02
  assert.equal(price(v), '100.02');
  // (100.00·1 + 100.04·3) / 4 = 400.12 / 4 = 100.03
  assert.equal(price(ref.read('microprice', 1_250)), '100.03');
  // books of other symbols are ignored
  ref.onBook(book([1, 1], [2, 1], 1_100, 'OTHER'));
  assert.equal(price(ref.value(1_250)), '100.02');
});

test('stale once older than maxAgeMs (the limit itself is still fresh)', () => {
  const ref = new ReferencePrice(config({ maxAgeMs: 1_000 }), inst);
  ref.onBook(book([10_000, 1], [10_002, 1], 5_000));
  assert.equal(price(ref.value(6_000)), '100.01');
  const stale = ref.value(6_001);
  assert.equal(failure(stale), 'stale');
  assert.ok(!stale.ok && stale.detail.includes('1001 ms'));
});

test('a crossed or one-sided book gives no mid', () => {
  const ref = new ReferencePrice(config(), inst);
  ref.onBook(book([10_005, 1], [10_000, 1], 0));
  assert.equal(failure(ref.value(0)), 'crossed_book');
  assert.equal(failure(ref.read('microprice', 0)), 'crossed_book');
  ref.onBook(book([10_000, 1], undefined, 10));
  assert.equal(failure(ref.value(10)), 'no_data');
});

test('mark and last trade, each with its own age', () => {
  const ref = new ReferencePrice(config({ source: 'mark' }), inst);
  assert.equal(failure(ref.value(0)), 'no_data');
  ref.onMark({ symbol: 'TKNUSDT', markPrice: p('99.987654'), venueTime: 0, receivedAt: 100 });
  const mark = ref.value(400);
  assert.ok(mark.ok && mark.source === 'mark' && mark.ageMs === 300);
  assert.equal(price(mark), '99.987654');
  assert.equal(failure(ref.read('last', 400)), 'no_data');
  ref.onTrade({ symbol: 'TKNUSDT', tradeId: 't1', priceTicks: 10_011, qtyLots: 2, takerSide: 'buy', venueTime: 0, receivedAt: 200 });
  const last = ref.read('last', 400);
  assert.ok(last.ok && last.ageMs === 200);
  assert.equal(price(last), '100.11');
  assert.equal(failure(ref.read('last', 1_201)), 'stale');
});

test('EMA of the mid follows book updates by half-life and reports the last update\'s age', () => {
  const ref = new ReferencePrice(config({ source: 'ema', emaHalfLifeMs: 1_000, maxAgeMs: 5_000 }), inst);
  assert.equal(failure(ref.value(0)), 'no_data');
  ref.onBook(book([9_999, 1], [10_001, 1], 0)); // mid 100.00 starts the EMA
  ref.onBook(book([10_199, 1], [10_201, 1], 1_000)); // mid 102.00, Δt = h: 100 + 0.5·2 = 101
  const v = ref.value(1_500);
  assert.equal(price(v), '101');
  assert.ok(v.ok && v.ageMs === 500);
  // a one-sided book leaves the EMA as it was (and it ages)
  ref.onBook(book([10_199, 1], undefined, 2_000));
  const aged = ref.value(3_000);
  assert.equal(price(aged), '101');
  assert.ok(aged.ok && aged.ageMs === 2_000);
  // Δt = 2h since the last usable mid: alpha 0.75 → 101 + 0.75·(105 − 101) = 104
  ref.onBook(book([10_499, 1], [10_501, 1], 3_000));
  assert.equal(price(ref.value(3_000)), '104');
  // a crossed book is reported, not smoothed over
  ref.onBook(book([10_600, 1], [10_500, 1], 3_100));
  assert.equal(failure(ref.value(3_100)), 'crossed_book');
});

test('external price: refused when it strays from this venue\'s mid by more than maxDeviationPct', () => {
  const cfg = config({ source: 'external', external: { accountId: 'other', symbol: 'TKN-USDT', maxDeviationPct: 2 } });
  const ref = new ReferencePrice(cfg, inst);
  assert.equal(failure(ref.value(0)), 'no_data');
  // no local book yet: an illiquid market quoted around the master venue is the point of it
  ref.onExternal(p('101.5'), 0);
  assert.equal(price(ref.value(100)), '101.5');
  ref.onBook(book([9_999, 1], [10_001, 1], 0)); // local mid 100.00
  // |101.5 − 100| / 100 = 1.5 % ≤ 2 %
  assert.equal(price(ref.value(100)), '101.5');
  // |102 − 100| / 100 = 2 %: at the limit, still accepted
  ref.onExternal(p('102'), 100);
  assert.equal(price(ref.value(100)), '102');
  // |102.01 − 100| / 100 = 2.01 % > 2 %
  ref.onExternal(p('102.01'), 200);
  const dev = ref.value(200);
  assert.equal(failure(dev), 'deviation');
  assert.ok(!dev.ok && dev.detail.includes('2.010 %'));
  // below as well: |97.99 − 100| = 2.01 %
  ref.onExternal(p('97.99'), 300);
  assert.equal(failure(ref.value(300)), 'deviation');
  // a stale local book is not compared against; a stale external price is refused
  ref.onExternal(p('90'), 1_500);
  assert.equal(price(ref.value(1_500)), '90');
  assert.equal(failure(ref.value(2_501)), 'stale');
});

test('external source without its config is no_data, not a crash', () => {
  const ref = new ReferencePrice(config({ source: 'external' }), inst);
  ref.onExternal(p('1'), 0);
  assert.equal(failure(ref.value(0)), 'no_data');
});
