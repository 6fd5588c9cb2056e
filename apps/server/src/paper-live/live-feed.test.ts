// A live feed from the Asterdex mock's public streams into a replay market: the book arrives
// as a snapshot, our resting order queues behind what the venue shows at its price, public
// trades move it up and fill it only once the queue ahead is gone, a dropped stream is a gap
// (no book, no fills) until the next snapshot, and nothing but public endpoints is ever called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveClock, Rng } from '@mm/core';
import { ASTER_PERP, ASTER_SPOT, AsterMockServer, MOCK_ACCOUNT, TEST_STREAMS } from '@mm/exchange-asterdex/test-support';
import { ReplayWorld } from '@mm/exchange-sim';
import { simCounterparty } from '@mm/exchange-sim/test-support';
import type { PaperFeedAccount } from './feed-source.ts';
import { LiveFeed } from './live-feed.ts';

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** REST paths other than public market data: orders, accounts, keys. */
const privateCalls = (mock: AsterMockServer): string[] =>
  mock.requests.map((r) => r.path).filter((p) => /order|account|balance|userTrades|listenKey|position|leverage|marginType|stpMode|countdown/i.test(p));

test('public trades fill a resting paper order only after the queue the venue showed ahead of it; a drop is a gap', { timeout: 60_000 }, async () => {
  const mock = await AsterMockServer.start({ instruments: [ASTER_PERP, ASTER_SPOT], accounts: [MOCK_ACCOUNT], otherAccounts: ['them', 'taker'], streams: { publishIntervalMs: 20, markIntervalMs: 200 } });
  const clock = new LiveClock();
  const world = new ReplayWorld({ clock, markets: [], mdLatencyMs: 0, defaultFunding: { USDT: '10000' }, fundingIntervalMs: 0 });
  let feed: LiveFeed | undefined;
  try {
    for (const name of ['them', 'taker']) for (const [asset, amount] of Object.entries({ USDT: '100000', CONF: '10000' })) mock.deposit(name, asset, amount);
    const them = simCounterparty(mock.exchange, 'them', ASTER_PERP.symbol);
    const taker = simCounterparty(mock.exchange, 'taker', ASTER_PERP.symbol);
    await them.place({ side: 'buy', priceTicks: 9_990, qtyLots: 10 });
    await them.place({ side: 'buy', priceTicks: 9_980, qtyLots: 50 });
    await them.place({ side: 'sell', priceTicks: 10_010, qtyLots: 10 });

    world.start();
    world.ensureAccount('paper');
    const market = world.addMarket(ASTER_PERP);
    const account: PaperFeedAccount = { id: 'acc', name: 'Aster paper', market: 'perp', feed: { venue: 'asterdex', balances: { USDT: '10000' } }, baseUrls: mock.urls };
    feed = await LiveFeed.open(account, market, { clock, rng: new Rng(1), asterStreams: TEST_STREAMS });
    assert.equal(feed.source.instrument.tickSize, '0.01', 'the instrument as the venue lists it');
    await until('the first book', () => market.book.known && market.book.bestBid() === 9_990 && market.book.bestAsk() === 10_010);

    const inst = world.exchange.instrument(ASTER_PERP.symbol);
    const placed = world.exchange.submit('paper', { clientOrderId: 'paper-bid', symbol: inst.symbol, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 9_990, qtyLots: 10 });
    assert.ok(placed.ok);
    const id = placed.order.venueOrderId;
    assert.equal(market.queueAhead(id), 10, 'behind the 1.0 the venue shows at 99.90');

    await taker.place({ side: 'sell', priceTicks: 9_990, qtyLots: 6, timeInForce: 'IOC' });
    await until('the first print', () => market.counters.trades >= 1);
    await new Promise((r) => setTimeout(r, 100)); // the depth diff that follows it
    assert.deepEqual(world.exchange.fills('paper'), [], 'a print smaller than the queue ahead fills nothing');
    assert.equal(market.queueAhead(id), 4);

    // 0.4 at 99.90 (the rest of the queue ahead), then 0.6 at 99.80: through our price
    await taker.place({ side: 'sell', priceTicks: 9_980, qtyLots: 10, timeInForce: 'IOC' });
    await until('our fill', () => world.exchange.fills('paper').length > 0);
    const fills = world.exchange.fills('paper');
    assert.deepEqual(fills.map((f) => [f.liquidity, f.side, f.priceTicks, f.qtyLots]), [['maker', 'buy', 9_990, 6]], 'the print through our price, at our price, as maker');
    assert.equal(world.exchange.counters.selfTrades, 0);

    const gaps = market.counters.gaps;
    const snapshots = market.counters.snapshots;
    mock.faults.dropMarketStreams();
    await until('the gap', () => market.counters.gaps > gaps);
    await until('a snapshot after the reconnect', () => market.counters.snapshots > snapshots && market.book.known);
    assert.equal(market.book.bestBid(), 9_980, 'the book as the venue shows it now');
    assert.equal(market.queueAhead(id), 0, 'the level we rest at is empty at the venue: nothing ahead');

    assert.deepEqual(privateCalls(mock), [], 'only public endpoints were called');
    assert.deepEqual(mock.exchange.openOrders(MOCK_ACCOUNT.name), [], 'no order ever reached the venue');
    await feed.close();
    assert.equal(market.book.known, false, 'a closed feed leaves the book unknown');
  } finally {
    await feed?.close();
    await world.closeAll();
    await mock.close();
  }
});
