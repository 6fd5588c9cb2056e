import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, fx } from '@mm/core';
import type { BookSnapshot } from '@mm/core';
import { microPrice, midPrice, topOfBook } from './book-prices.ts';

const p = fx.parse;
const inst = new Instrument({ symbol: 'TKNUSDT', base: 'TKN', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', minQty: '0.001', minNotional: '1' });

function book(bids: [number, number][], asks: [number, number][]): BookSnapshot {
  const level = ([priceTicks, qtyLots]: [number, number]) => ({ priceTicks, qtyLots });
  return { symbol: 'TKNUSDT', bids: bids.map(level), asks: asks.map(level), sequence: 1, venueTime: 0, receivedAt: 0 };
}

test('mid is the exact average, also when it falls between ticks', () => {
  assert.equal(midPrice(p('100.00'), p('100.02')), p('100.01'));
  // (100.00 + 100.01) / 2 = 100.005: half a tick, kept exactly
  assert.equal(midPrice(p('100.00'), p('100.01')), p('100.005'));
});

test('microprice leans toward the thin side', () => {
  // (100·1 + 101·3) / (3 + 1) = 403 / 4 = 100.75: heavy bid, price near the ask
  assert.equal(microPrice(p('100'), p('3'), p('101'), p('1')), p('100.75'));
  // (100·3 + 101·1) / 4 = 401 / 4 = 100.25
  assert.equal(microPrice(p('100'), p('1'), p('101'), p('3')), p('100.25'));
  // equal sizes: the mid
  assert.equal(microPrice(p('100'), p('2'), p('101'), p('2')), p('100.5'));
  // no size at all: the mid rather than a division by zero
  assert.equal(microPrice(p('100'), 0n, p('101'), 0n), p('100.5'));
  // (10·2 + 10.03·1) / 3 = 30.03 / 3 = 10.01 exactly
  assert.equal(microPrice(p('10'), 1n, p('10.03'), 2n), p('10.01'));
});

test('top of book: usable, one-sided, empty, crossed', () => {
  const ok = topOfBook(book([[10000, 5]], [[10002, 7]]), inst);
  assert.ok(ok.ok);
  assert.equal(ok.top.bid, p('100'));
  assert.equal(ok.top.ask, p('100.02'));
  assert.equal(ok.top.bidLots, 5n);
  assert.equal(ok.top.askLots, 7n);
  const oneSided = topOfBook(book([[10000, 5]], []), inst);
  assert.ok(!oneSided.ok && oneSided.reason === 'no_data' && oneSided.detail.includes('no asks'));
  const empty = topOfBook(book([], []), inst);
  assert.ok(!empty.ok && empty.reason === 'no_data');
  const locked = topOfBook(book([[10000, 5]], [[10000, 5]]), inst);
  assert.ok(!locked.ok && locked.reason === 'crossed_book');
  const crossed = topOfBook(book([[10001, 5]], [[10000, 5]]), inst);
  assert.ok(!crossed.ok && crossed.reason === 'crossed_book' && crossed.detail.includes('100.01'));
});
