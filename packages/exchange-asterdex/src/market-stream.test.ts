// Market data against the mock: the local book follows the venue through diffs, resyncs after a
// dropped diff, survives the planned 24 h rotation without a gap, and the ticker, trade and
// mark-price streams arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookSnapshot, MarkPriceUpdate, PublicTrade } from '@mm/core';
import type { ConnectionEvent as PortConnectionEvent } from '@mm/exchange';
import { ASTER_PERP, startMockWithAdapters } from '../test-support/harness.ts';
import type { AsterMockServer } from '../test-support/mock-server.ts';
import { sleep, until } from '../test-support/wait.ts';
import type { AsterAdapterBase } from './adapter-base.ts';

const SYMBOL = ASTER_PERP.symbol;
let seq = 0;

function them(mock: AsterMockServer, side: 'buy' | 'sell', priceTicks: number, qtyLots = 10, symbol = SYMBOL): void {
  const result = mock.exchange.submit('them', { clientOrderId: `them${++seq}`, symbol, side, type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots });
  assert.ok(result.ok);
}

/** Our local book equals the matching engine's book (top 20). */
function sameBook(mock: AsterMockServer, venue: AsterAdapterBase, symbol = SYMBOL): boolean {
  const local = venue.localBook(symbol);
  if (local === undefined || local.state !== 'live') return false;
  const mine = local.toSnapshot(20, 0);
  const book = mock.exchange.book(symbol);
  return JSON.stringify([mine.bids, mine.asks]) === JSON.stringify([book.bids.top(20), book.asks.top(20)]);
}


test('depth: a dropped diff is detected by its update ids and the book is rebuilt from a snapshot', async () => {
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v3');
  try {
    const books: BookSnapshot[] = [];
    venue.events.on('book', (b) => books.push(b));
    await venue.subscribeMarket(SYMBOL);
    them(mock, 'buy', 9_990);
    them(mock, 'sell', 10_010);
    await until(() => sameBook(mock, venue), 'the first book');
    const book = venue.localBook(SYMBOL)!;
    assert.equal(book.gapCount, 0);
    const snapshots = mock.requests.filter((r) => r.path === '/fapi/v3/depth').length;
    mock.faults.dropNextDepthDiff(SYMBOL);
    them(mock, 'buy', 9_995);
    await sleep(60);
    them(mock, 'sell', 10_005);
    await until(() => book.gapCount === 1, 'the gap to be noticed (pu ≠ previous u)');
    await until(() => sameBook(mock, venue), 'the rebuilt book to match the venue');
    assert.ok(mock.requests.filter((r) => r.path === '/fapi/v3/depth').length > snapshots, 'a new REST snapshot was taken');
    const last = books.at(-1)!;
    assert.equal(last.bids[0]?.priceTicks, 9_995);
    assert.equal(last.asks[0]?.priceTicks, 10_005);
  } finally {
    await close();
  }
});

test('the planned connection rotation (24 h limit, shortened here) loses no diff', async () => {
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v1', { adapter: { streams: { maxLifetimeMs: 250 } } });
  try {
    const states: PortConnectionEvent[] = [];
    venue.events.on('connection', (e) => states.push(e));
    await venue.subscribeMarket(SYMBOL);
    const book = venue.localBook(SYMBOL)!;
    for (let i = 0; i < 30; i++) {
      them(mock, i % 2 === 0 ? 'buy' : 'sell', i % 2 === 0 ? 9_900 - i : 10_100 + i, 1 + (i % 3));
      await sleep(40);
    }
    await until(() => sameBook(mock, venue), 'the book after many rotations');
    assert.ok(mock.streams.accepted.market >= 4, `the market socket was replaced several times (${mock.streams.accepted.market} connections)`);
    assert.equal(book.gapCount, 0, 'no sequence gap across rotations');
    assert.ok(!states.some((s) => s.stream === 'market' && s.state !== 'connected'), `no disconnect was reported: ${states.map((s) => s.state).join(',')}`);
  } finally {
    await close();
  }
});

test('book ticker, aggregate trades, mark price; a second symbol joins the live combined stream', async () => {
  const SECOND = { ...ASTER_PERP, symbol: 'TWOUSDT', base: 'TWO' };
  const { mock, venue, close } = await startMockWithAdapters('perp', 'v3', { mock: { instruments: [ASTER_PERP, SECOND] } });
  try {
    const trades: PublicTrade[] = [];
    const marks: MarkPriceUpdate[] = [];
    venue.events.on('trade', (t) => trades.push(t));
    venue.events.on('markPrice', (m) => marks.push(m));
    await venue.subscribeMarket(SYMBOL);
    them(mock, 'sell', 10_020, 30);
    them(mock, 'buy', 9_980, 20);
    await until(() => venue.bookTicker(SYMBOL)?.askTicks === 10_020, 'the book ticker');
    assert.equal(venue.bookTicker(SYMBOL)?.bidTicks, 9_980);
    assert.equal(venue.bookTicker(SYMBOL)?.askLots, 30);
    them(mock, 'buy', 10_020, 5);
    await until(() => trades.length > 0, 'an aggregate trade');
    assert.deepEqual([trades[0]!.priceTicks, trades[0]!.qtyLots, trades[0]!.takerSide], [10_020, 5, 'buy']);
    await until(() => marks.length > 0, 'a mark price');
    assert.equal(marks[0]!.symbol, SYMBOL);
    // a second symbol while the connection is open: SUBSCRIBE on the same socket
    const connections = mock.streams.accepted.market;
    await venue.subscribeMarket(SECOND.symbol);
    them(mock, 'buy', 500, 10, SECOND.symbol);
    await until(() => sameBook(mock, venue, SECOND.symbol), 'the second book');
    assert.equal(mock.streams.accepted.market, connections, 'no new connection was needed');
  } finally {
    await close();
  }
});

test('spot depth follows the spot update-id rule (U = previous u + 1)', async () => {
  const { mock, venue, close } = await startMockWithAdapters('spot', 'v3');
  try {
    await venue.subscribeMarket('CONFUSDC');
    for (let i = 0; i < 10; i++) {
      them(mock, 'buy', 9_000 + i, 10, 'CONFUSDC');
      await sleep(25);
    }
    mock.faults.dropNextDepthDiff('CONFUSDC');
    them(mock, 'sell', 11_000, 10, 'CONFUSDC');
    await sleep(60);
    them(mock, 'sell', 10_999, 10, 'CONFUSDC');
    await until(() => venue.localBook('CONFUSDC')!.gapCount === 1, 'the gap');
    await until(() => sameBook(mock, venue, 'CONFUSDC'), 'the spot book');
  } finally {
    await close();
  }
});

