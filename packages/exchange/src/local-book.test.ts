import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalOrderBook } from './local-book.ts';
import type { BookDelta, LevelInput, SequenceRule } from './local-book.ts';

function book(rule: SequenceRule): { book: LocalOrderBook; resyncs: string[] } {
  const resyncs: string[] = [];
  return { book: new LocalOrderBook({ symbol: 'BTCUSDT', rule, onResyncNeeded: (reason) => resyncs.push(reason) }), resyncs };
}

const SNAP = { bids: [[100, 5], [99, 3], [98, 1]] as LevelInput[], asks: [[101, 4], [102, 2]] as LevelInput[], venueTime: 1 };

function d(firstSeq: number, lastSeq: number, prevSeq: number | undefined, bids: LevelInput[] = [], asks: LevelInput[] = []): BookDelta {
  return prevSeq === undefined ? { firstSeq, lastSeq, bids, asks, venueTime: lastSeq } : { firstSeq, lastSeq, prevSeq, bids, asks, venueTime: lastSeq };
}

test('binance-futures: drops u < L, first event straddles L, then pu chains', () => {
  const { book: b, resyncs } = book('binance-futures');
  b.applySnapshot({ ...SNAP, sequence: 100 });
  assert.equal(b.state, 'live');
  assert.equal(b.applyDelta(d(90, 99, 89, [[100, 50]])), 'ignored');
  assert.equal(b.applyDelta(d(95, 105, 99, [[100, 6]])), 'applied');
  assert.equal(b.applyDelta(d(106, 110, 105, [], [[101, 0]])), 'applied');
  assert.equal(b.applyDelta(d(106, 110, 105, [[100, 99]])), 'ignored', 'a duplicate is ignored');
  assert.deepEqual(b.bestBid(), [100, 6]);
  assert.deepEqual(b.bestAsk(), [102, 2]);
  assert.equal(b.sequence, 110);
  assert.equal(b.venueTime, 110);
  assert.deepEqual(resyncs, []);
});

test('binance-futures: a first event that starts after the snapshot is a gap', () => {
  const { book: b, resyncs } = book('binance-futures');
  b.applySnapshot({ ...SNAP, sequence: 100 });
  // U=102 after L=100 and its pu (101) is not the snapshot: event 101 was missed
  assert.equal(b.applyDelta(d(102, 105, 101)), 'gap');
  assert.equal(b.state, 'resyncing');
  assert.equal(resyncs.length, 1);
  assert.match(resyncs[0]!, /BTCUSDT.*U=102/);
});

test('binance-futures: a dropped diff is a gap; the book clears, resyncs and recovers on a new snapshot', () => {
  const { book: b, resyncs } = book('binance-futures');
  b.applySnapshot({ ...SNAP, sequence: 100 });
  assert.equal(b.applyDelta(d(99, 102, 98)), 'applied');
  assert.equal(b.applyDelta(d(103, 105, 102)), 'applied');
  // 106..108 (pu 105) lost
  assert.equal(b.applyDelta(d(109, 112, 108, [[100, 7]])), 'gap');
  assert.equal(b.state, 'resyncing');
  assert.equal(b.gapCount, 1);
  assert.match(b.lastGapReason ?? '', /pu=108/);
  assert.equal(b.bestBid(), undefined, 'a broken book is cleared, never served');
  assert.deepEqual(resyncs.length, 1);
  // Deltas keep arriving while the adapter fetches the snapshot.
  assert.equal(b.applyDelta(d(113, 115, 112, [], [[103, 9]])), 'buffered');
  b.applySnapshot({ bids: [[100, 8]], asks: [[101, 1]], sequence: 113, venueTime: 113 });
  assert.equal(b.state, 'live');
  assert.equal(b.sequence, 115, 'the buffered delta that straddles the snapshot was replayed');
  assert.deepEqual(b.toSnapshot(5, 0).asks, [
    { priceTicks: 101, qtyLots: 1 },
    { priceTicks: 103, qtyLots: 9 },
  ]);
  assert.equal(b.applyDelta(d(116, 116, 115)), 'applied');
});

test('binance-futures: deltas before the snapshot are buffered and replayed', () => {
  const { book: b, resyncs } = book('binance-futures');
  assert.equal(b.state, 'empty');
  assert.equal(b.applyDelta(d(80, 90, 79, [[97, 1]])), 'buffered');
  assert.equal(b.applyDelta(d(91, 101, 90, [[100, 9]])), 'buffered');
  assert.equal(b.applyDelta(d(102, 104, 101, [], [[101, 0]])), 'buffered');
  assert.equal(b.bufferedCount, 3);
  b.applySnapshot({ ...SNAP, sequence: 100 });
  assert.equal(b.bufferedCount, 0);
  assert.equal(b.sequence, 104);
  assert.equal(b.qtyAt('bid', 97), 0, 'stale buffered delta dropped');
  assert.deepEqual(b.bestBid(), [100, 9]);
  assert.deepEqual(b.bestAsk(), [102, 2]);
  assert.deepEqual(resyncs, []);
});

test('binance-futures: refuses deltas without pu', () => {
  const { book: b } = book('binance-futures');
  assert.throws(() => b.applyDelta(d(1, 2, undefined)), /prevSeq/);
});

test('binance-spot: first event U <= L+1 <= u, then U = previous u + 1', () => {
  const { book: b, resyncs } = book('binance-spot');
  b.applyDelta(d(95, 100, undefined, [[99, 0]]));
  b.applyDelta(d(101, 103, undefined, [[99, 4]]));
  b.applySnapshot({ ...SNAP, sequence: 100 });
  assert.equal(b.sequence, 103);
  assert.equal(b.qtyAt('bid', 99), 4, 'u = L dropped, the event holding L+1 applied');
  assert.equal(b.applyDelta(d(104, 104, undefined, [[98, 0]])), 'applied');
  assert.equal(b.qtyAt('bid', 98), 0);
  assert.equal(b.applyDelta(d(106, 107, undefined)), 'gap');
  assert.equal(resyncs.length, 1);

  const fresh = book('binance-spot');
  fresh.book.applySnapshot({ ...SNAP, sequence: 100 });
  assert.equal(fresh.book.applyDelta(d(102, 103, undefined)), 'gap', 'L+1 missing');
});

test('contiguous (BitMart version): each version is the previous + 1; heartbeats with the same version are ignored', () => {
  const { book: b, resyncs } = book('contiguous');
  assert.equal(b.applyDelta(d(5, 5, undefined, [[100, 1]])), 'buffered');
  b.applySnapshot({ ...SNAP, sequence: 4 });
  assert.equal(b.sequence, 5);
  assert.deepEqual(b.bestBid(), [100, 1]);
  assert.equal(b.applyDelta(d(5, 5, undefined)), 'ignored');
  assert.equal(b.applyDelta(d(6, 6, undefined, [], [[101, 7]])), 'applied');
  assert.deepEqual(b.bestAsk(), [101, 7]);
  assert.equal(b.applyDelta(d(8, 8, undefined)), 'gap');
  assert.equal(b.state, 'resyncing');
  assert.equal(resyncs.length, 1);
  b.applySnapshot({ bids: [[100, 1]], asks: [[105, 1]], sequence: 9, venueTime: 9 });
  assert.equal(b.state, 'live');
  assert.equal(b.sequence, 9, 'the buffered version 8 is older than the new snapshot');
  assert.equal(b.applyDelta(d(10, 10, undefined)), 'applied');
});

test('quantity 0 deletes a level and an unknown price inserts in order', () => {
  const { book: b } = book('contiguous');
  b.applySnapshot({ ...SNAP, sequence: 1 });
  b.applyDelta(d(2, 2, undefined, [[100, 0], [97, 2], [99, 8]], [[102, 0], [150, 1], [104, 3]]));
  const snap = b.toSnapshot(10, 42);
  assert.deepEqual(snap.bids.map((l) => [l.priceTicks, l.qtyLots]), [[99, 8], [98, 1], [97, 2]]);
  assert.deepEqual(snap.asks.map((l) => [l.priceTicks, l.qtyLots]), [[101, 4], [104, 3], [150, 1]]);
  assert.equal(snap.receivedAt, 42);
  assert.equal(snap.sequence, 2);
  assert.equal(snap.symbol, 'BTCUSDT');
  // deleting a level that is not there is harmless
  b.applyDelta(d(3, 3, undefined, [[42, 0]]));
  assert.equal(b.levelCount('bid'), 3);
});

test('a crossed book after a delta is treated as a gap', () => {
  const { book: b, resyncs } = book('contiguous');
  b.applySnapshot({ ...SNAP, sequence: 1 });
  assert.equal(b.applyDelta(d(2, 2, undefined, [[101, 1]])), 'gap');
  assert.equal(b.state, 'resyncing');
  assert.equal(b.gapCount, 1);
  assert.match(resyncs[0] ?? '', /crossed/);
  assert.equal(b.bestBid(), undefined);
});

test('top-N is best first on both sides and stays sorted across many random updates', () => {
  const { book: b } = book('contiguous');
  b.applySnapshot({ bids: [], asks: [], sequence: 0, venueTime: 0 });
  // Deterministic pseudo-random walk (no Math.random in tests either).
  let x = 12345;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (let v = 1; v <= 3000; v++) {
    const bidPrice = 1 + next(1000);
    const askPrice = 1001 + next(1000);
    const bq = next(4);
    const aq = next(4);
    if (bq === 0) bids.delete(bidPrice);
    else bids.set(bidPrice, bq);
    if (aq === 0) asks.delete(askPrice);
    else asks.set(askPrice, aq);
    assert.equal(b.applyDelta(d(v, v, undefined, [[bidPrice, bq]], [[askPrice, aq]])), 'applied');
  }
  const expectBids = [...bids].sort((p, q) => q[0] - p[0]).slice(0, 20);
  const expectAsks = [...asks].sort((p, q) => p[0] - q[0]).slice(0, 20);
  const snap = b.toSnapshot(20, 0);
  assert.deepEqual(snap.bids.map((l) => [l.priceTicks, l.qtyLots]), expectBids);
  assert.deepEqual(snap.asks.map((l) => [l.priceTicks, l.qtyLots]), expectAsks);
  assert.equal(b.levelCount('bid'), bids.size);
  assert.equal(b.levelCount('ask'), asks.size);
});

test('the pre-snapshot buffer is bounded and reset() returns to empty', () => {
  const b = new LocalOrderBook({ symbol: 'X', rule: 'contiguous', maxBuffered: 3 });
  for (let v = 1; v <= 5; v++) b.applyDelta(d(v, v, undefined));
  assert.equal(b.bufferedCount, 3);
  b.applySnapshot({ bids: [], asks: [], sequence: 1, venueTime: 0 });
  assert.equal(b.state, 'resyncing', 'version 2 was dropped from the buffer, so 3 does not follow 1');
  b.reset();
  assert.equal(b.state, 'empty');
  assert.equal(b.bufferedCount, 0);
});

test('binance-futures: a snapshot exactly on an event boundary continues with the event whose pu is the snapshot id', () => {
  const gaps: string[] = [];
  const book = new LocalOrderBook({ symbol: 'X', rule: 'binance-futures', onResyncNeeded: (r) => gaps.push(r) });
  book.applySnapshot({ bids: [[100, 5]], asks: [[101, 5]], sequence: 50, venueTime: 1 });
  // the next event starts at U=51 (after L=50) but says it follows event 50
  assert.equal(book.applyDelta({ bids: [[100, 7]], asks: [], firstSeq: 51, lastSeq: 55, prevSeq: 50, venueTime: 2 }), 'applied');
  assert.deepEqual(book.bestBid(), [100, 7]);
  assert.deepEqual(gaps, []);
  // a true gap is still one
  assert.equal(book.applyDelta({ bids: [], asks: [], firstSeq: 60, lastSeq: 61, prevSeq: 58, venueTime: 3 }), 'gap');
});
