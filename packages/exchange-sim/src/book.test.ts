// The book's sorted levels against a naive model: insertion anywhere, removal anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '@mm/core';
import type { Side } from '@mm/core';
import { BookSide, newRestingOrder } from './book.ts';
import type { RestingOrder } from './book.ts';

function model(side: Side, orders: RestingOrder[]): { priceTicks: number; qtyLots: number }[] {
  const byPrice = new Map<number, number>();
  for (const o of orders) byPrice.set(o.priceTicks, (byPrice.get(o.priceTicks) ?? 0) + o.qtyLots - o.filledLots);
  return [...byPrice]
    .sort((a, b) => (side === 'buy' ? b[0] - a[0] : a[0] - b[0]))
    .map(([priceTicks, qtyLots]) => ({ priceTicks, qtyLots }));
}

test('levels stay sorted best-first and are found by price through random adds and removes', () => {
  for (const side of ['buy', 'sell'] as Side[]) {
    const rng = new Rng(`book/${side}`);
    const book = new BookSide(side);
    const resting: RestingOrder[] = [];
    for (let i = 0; i < 5_000; i++) {
      if (resting.length > 0 && rng.bool(0.45)) {
        const o = resting.splice(rng.int(0, resting.length - 1), 1)[0]!;
        book.remove(o);
        assert.equal(o.level, undefined);
      } else {
        const o = newRestingOrder({
          seq: i,
          venueOrderId: String(i),
          clientOrderId: `c${i}`,
          account: 0,
          symbol: 'X',
          side,
          type: 'limit',
          priceTicks: 1_000 + rng.int(-60, 60),
          qtyLots: rng.int(1, 9),
          timeInForce: 'GTC',
          stpMode: 'none',
          reduceOnly: false,
          time: 0,
        });
        book.add(o);
        resting.push(o);
      }
      const expected = model(side, resting);
      assert.deepEqual(book.top(1_000), expected);
      assert.equal(book.levelCount, expected.length);
      assert.equal(book.bestPrice(), expected[0]?.priceTicks);
      const probe = 1_000 + rng.int(-61, 61);
      assert.equal(book.level(probe)?.totalLots, expected.find((l) => l.priceTicks === probe)?.qtyLots);
      const within = expected.slice(0, 7).filter((l) => (side === 'buy' ? l.priceTicks >= probe : l.priceTicks <= probe));
      assert.equal(book.lotsThrough(probe, 7), within.reduce((s, l) => s + l.qtyLots, 0));
    }
  }
});

test('orders at one price keep their arrival order', () => {
  const book = new BookSide('sell');
  const ids = ['a', 'b', 'c', 'd'];
  const orders = ids.map((id, i) =>
    newRestingOrder({ seq: i, venueOrderId: id, clientOrderId: id, account: 0, symbol: 'X', side: 'sell', type: 'limit', priceTicks: 100, qtyLots: 1, timeInForce: 'GTC', stpMode: 'none', reduceOnly: false, time: 0 }),
  );
  for (const o of orders) book.add(o);
  book.remove(orders[1]!);
  assert.deepEqual([...book.orders()].map((o) => o.clientOrderId), ['a', 'c', 'd']);
  assert.equal(book.level(100)?.count, 3);
});
