// Market data against the mock: compressed frames decoded into a local book that matches the
// matching engine, version gaps resynced, heartbeats ignored, text pings keeping sockets alive.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookSnapshot } from '@mm/core';
import type { ConnectionEvent } from '@mm/exchange';
import type { BitmartSpotAdapter } from './adapter.ts';
import { startBitmartTestEnv, TEST_SYMBOL } from '../test-support/harness.ts';
import type { BitmartTestEnv } from '../test-support/harness.ts';

let env: BitmartTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function until(condition: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const clock = env!.clock;
  const end = clock.now() + timeoutMs;
  while (!condition()) {
    if (clock.now() > end) assert.fail(`timed out waiting for ${what}`);
    await clock.sleep(10);
  }
}

function record<T>(adapter: BitmartSpotAdapter, topic: 'book' | 'connection'): T[] {
  const seen: T[] = [];
  adapter.events.on(topic, (x) => seen.push(x as T));
  return seen;
}

/** The top of the matching engine's book, as the adapter should see it. */
function simTop(e: BitmartTestEnv, depth = 20): { bids: [number, number][]; asks: [number, number][] } {
  const book = e.mock.exchange.book(TEST_SYMBOL);
  const pairs = (l: { priceTicks: number; qtyLots: number }[]): [number, number][] => l.map((x) => [x.priceTicks, x.qtyLots]);
  return { bids: pairs(book.bids.top(depth)), asks: pairs(book.asks.top(depth)) };
}

function bookTop(b: BookSnapshot | undefined): { bids: [number, number][]; asks: [number, number][] } {
  const pairs = (l: readonly { priceTicks: number; qtyLots: number }[]): [number, number][] => l.map((x) => [x.priceTicks, x.qtyLots]);
  return { bids: pairs(b?.bids ?? []), asks: pairs(b?.asks ?? []) };
}

test('compressed depth frames build a local book equal to the matching engine book', async () => {
  env = await startBitmartTestEnv();
  const e = env;
  e.counterparty({ side: 'buy', priceTicks: 5_999_000, qtyLots: 100 });
  const adapter = await e.adapter();
  const books = record<BookSnapshot>(adapter, 'book');
  await adapter.subscribeMarket(TEST_SYMBOL);
  await until(() => books.length > 0, 'the snapshot');
  for (let i = 0; i < 5; i++) {
    e.counterparty({ side: 'sell', priceTicks: 6_001_000 + i * 10, qtyLots: 100 + i });
    e.counterparty({ side: 'buy', priceTicks: 5_998_000 - i * 10, qtyLots: 50 });
    await e.clock.sleep(15);
  }
  e.counterparty({ side: 'buy', priceTicks: 6_001_000, qtyLots: 40, timeInForce: 'IOC' }); // trades: a level shrinks
  await until(() => JSON.stringify(bookTop(books.at(-1))) === JSON.stringify(simTop(e)), 'the local book to match');
  const local = adapter.localBook(TEST_SYMBOL)!;
  assert.equal(local.gapCount, 0);
  assert.equal(local.sequence, e.mock.ws.depthVersion(TEST_SYMBOL));
  for (let i = 1; i < books.length; i++) assert.ok(books[i]!.sequence > books[i - 1]!.sequence, 'one book event per new version');
});

test('a depth version gap clears the book, asks for a versioned snapshot and rebuilds it', async () => {
  env = await startBitmartTestEnv();
  const e = env;
  const adapter = await e.adapter();
  const books = record<BookSnapshot>(adapter, 'book');
  await adapter.subscribeMarket(TEST_SYMBOL);
  await until(() => adapter.localBook(TEST_SYMBOL)?.state === 'live', 'a live book');
  e.mock.faults.versionGapNext(TEST_SYMBOL);
  e.counterparty({ side: 'sell', priceTicks: 6_002_000, qtyLots: 77 });
  await until(() => (adapter.localBook(TEST_SYMBOL)?.gapCount ?? 0) === 1, 'the gap to be seen');
  await until(() => adapter.localBook(TEST_SYMBOL)?.state === 'live' && books.at(-1)?.asks[0]?.qtyLots === 77, 'the book to be rebuilt');
  const requests = e.mock.ws.received.filter((m) => m.text.includes('"op":"request"'));
  assert.equal(requests.length, 1);
  assert.deepEqual(JSON.parse(requests[0]!.text), { op: 'request', args: [`spot/depth/increase100:${TEST_SYMBOL}`] });
  assert.deepEqual(bookTop(books.at(-1)), simTop(e));
});

test('when the requested snapshot never comes, the connection is rebuilt and the book recovers', async () => {
  env = await startBitmartTestEnv();
  const e = env;
  const adapter = await e.adapter({ resyncTimeoutMs: 300 });
  const states = record<ConnectionEvent>(adapter, 'connection');
  await adapter.subscribeMarket(TEST_SYMBOL);
  await until(() => adapter.localBook(TEST_SYMBOL)?.state === 'live', 'a live book');
  e.mock.faults.ignoreDepthSnapshotRequests(true);
  e.mock.faults.versionGapNext(TEST_SYMBOL);
  e.counterparty({ side: 'buy', priceTicks: 5_990_000, qtyLots: 50 });
  await until(() => states.some((s) => s.stream === 'market' && s.state === 'reconnected'), 'a market reconnect');
  await until(() => adapter.localBook(TEST_SYMBOL)?.state === 'live', 'the book to be live again');
  assert.equal(adapter.localBook(TEST_SYMBOL)!.bestBid()?.[0], 5_990_000);
});

test('empty heartbeat updates that repeat the version are ignored (no gap, no event)', async () => {
  env = await startBitmartTestEnv({ depthHeartbeatMs: 50 });
  const e = env;
  const adapter = await e.adapter();
  const books = record<BookSnapshot>(adapter, 'book');
  await adapter.subscribeMarket(TEST_SYMBOL);
  await until(() => books.length === 1, 'the snapshot');
  await e.clock.sleep(400);
  assert.equal(books.length, 1);
  assert.equal(adapter.localBook(TEST_SYMBOL)!.gapCount, 0);
});

test('text "ping" keeps sockets alive where the venue closes silent ones', async () => {
  env = await startBitmartTestEnv({ idleCloseMs: 400 });
  const e = env;
  const pinging = await e.adapter({ pingIntervalMs: 100 });
  const states = record<ConnectionEvent>(pinging, 'connection');
  await pinging.subscribeMarket(TEST_SYMBOL);
  await e.clock.sleep(1200);
  assert.deepEqual(
    states.filter((s) => s.state !== 'connected'),
    [],
    'no disconnect while pinging',
  );
  assert.ok(e.mock.ws.received.filter((m) => m.text === 'ping').length >= 10);
  // a client that stays silent is dropped by the venue, notices, and reconnects
  const silent = await e.adapter({ pingIntervalMs: 60_000 });
  const silentStates = record<ConnectionEvent>(silent, 'connection');
  await until(() => silentStates.some((s) => s.stream === 'private' && s.state === 'reconnected'), 'the silent socket to be dropped and rebuilt');
});

test('unsubscribing stops book events for the symbol and is acknowledged', async () => {
  env = await startBitmartTestEnv();
  const e = env;
  const adapter = await e.adapter();
  const books = record<BookSnapshot>(adapter, 'book');
  await adapter.subscribeMarket(TEST_SYMBOL);
  await until(() => books.length > 0, 'the snapshot');
  await adapter.unsubscribeMarket(TEST_SYMBOL);
  const seen = books.length;
  e.counterparty({ side: 'buy', priceTicks: 5_990_000, qtyLots: 50 });
  await e.clock.sleep(150);
  assert.equal(books.length, seen);
  assert.equal(adapter.localBook(TEST_SYMBOL), undefined);
  assert.ok(e.mock.ws.received.some((m) => m.text.includes('"op":"unsubscribe"')));
});
