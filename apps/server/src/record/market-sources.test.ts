// The public (keyless) market feeds of Asterdex and of ccxt venues, recorded against the local
// mocks: trades and the book arrive, sequence breaks and dropped streams become gap events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveClock } from '@mm/core';
import { ASTER_PERP, ASTER_SPOT, AsterMockServer, MOCK_ACCOUNT, TEST_STREAMS } from '@mm/exchange-asterdex/test-support';
import { TEST_ADAPTER_SETTINGS, TEST_SYMBOL, startCcxtMock } from '@mm/exchange-ccxt/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';
import { RecordedBook, RecordingWriter, loadRecording } from '@mm/market-data';
import type { LevelEvent, MarketEvent } from '@mm/market-data';
import { openMarketSource } from './market-sources.ts';
import type { MarketSource } from './market-sources.ts';
import { MarketRecorder } from './recorder.ts';

const dir = mkdtempSync(join(tmpdir(), 'record-sources-'));
const clock = new LiveClock();

async function until(what: string, ok: () => boolean, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const privateCalls = (mock: AsterMockServer): string[] => mock.requests.map((r) => r.path).filter((p) => /order|account|balance|userTrades|listenKey|position/i.test(p));

/** The first book event after the last gap: it must start a new book. */
function firstLevelAfterGap(events: readonly MarketEvent[]): LevelEvent | undefined {
  const gap = events.findLastIndex((e) => e.kind === 'gap');
  return events.slice(gap + 1).find((e): e is LevelEvent => e.kind === 'level');
}

async function recordWith(source: MarketSource, name: string) {
  const path = join(dir, `${name}.mmrec.gz`);
  const writer = await RecordingWriter.open(path, { format: 'mmrec', version: 1, venue: source.venue, symbol: source.instrument.symbol, market: source.market, source: 'recorder', startedAt: new Date().toISOString() });
  const recorder = new MarketRecorder({ source, writer, clock });
  await recorder.start();
  const finish = async (): Promise<MarketEvent[]> => {
    await recorder.stop();
    await writer.close();
    await source.close();
    const loaded = await loadRecording(path);
    assert.equal(loaded.status.truncated, false);
    // whatever happened, the file ends in the book the feed last showed
    const book = new RecordedBook();
    loaded.events.forEach((e) => book.apply(e));
    const inst = source.instrument;
    const last = recorder.lastBook!;
    assert.deepEqual(book.bids(), last.bids.map((l) => [inst.ticksToPrice(l.priceTicks), inst.lotsToQty(l.qtyLots)]));
    assert.deepEqual(book.asks(), last.asks.map((l) => [inst.ticksToPrice(l.priceTicks), inst.lotsToQty(l.qtyLots)]));
    return loaded.events;
  };
  return { recorder, finish };
}

test('Asterdex perp without keys: trades, book, a sequence break and a dropped stream as gaps', { timeout: 60_000 }, async () => {
  const mock = await AsterMockServer.start({ instruments: [ASTER_PERP, ASTER_SPOT], accounts: [MOCK_ACCOUNT], otherAccounts: ['them'], streams: { publishIntervalMs: 20, markIntervalMs: 200 } });
  try {
    for (const [asset, amount] of Object.entries({ USDT: '100000', CONF: '10000' })) mock.deposit('them', asset, amount);
    const them = simCounterparty(mock.exchange, 'them', ASTER_PERP.symbol);
    const me = simCounterparty(mock.exchange, MOCK_ACCOUNT.name, ASTER_PERP.symbol);
    await them.place({ side: 'buy', priceTicks: 9_990, qtyLots: 10 });
    await them.place({ side: 'sell', priceTicks: 10_010, qtyLots: 10 });
    const source = await openMarketSource({ venue: 'asterdex', symbol: ASTER_PERP.symbol }, { clock, asterUrls: mock.urls, asterStreams: TEST_STREAMS });
    assert.deepEqual([source.venue, source.market, source.instrument.tickSize], ['asterdex', 'perp', '0.01']);
    const { recorder, finish } = await recordWith(source, 'aster');
    await until('the first book', () => recorder.tally.snapshots > 0);
    await me.place({ side: 'buy', priceTicks: 10_010, qtyLots: 3, timeInForce: 'IOC' });
    await until('the trade', () => recorder.tally.trade > 0);
    mock.faults.dropNextDepthDiff(ASTER_PERP.symbol);
    // two changes in two publish intervals: the second diff shows the first one missing
    await them.place({ side: 'buy', priceTicks: 9_995, qtyLots: 2 });
    await new Promise((r) => setTimeout(r, 60));
    await them.place({ side: 'buy', priceTicks: 9_994, qtyLots: 2 });
    await until('the sequence gap', () => recorder.tally.gap > 0);
    const snapshots = recorder.tally.snapshots;
    mock.faults.dropMarketStreams();
    await until('the disconnect', () => recorder.tally.gap > 1);
    await until('a snapshot after the reconnect', () => recorder.tally.snapshots > snapshots);
    const events = await finish();
    const trade = events.find((e) => e.kind === 'trade');
    assert.deepEqual(trade?.kind === 'trade' && [trade.side, trade.price, trade.qty], ['buy', '100.10', '0.3']);
    const reasons = events.flatMap((e) => (e.kind === 'gap' ? [e.reason] : []));
    assert.match(reasons[0]!, /book sequence broken/);
    assert.match(reasons[1]!, /market stream disconnected/);
    assert.equal(firstLevelAfterGap(events)?.snapshot, true);
    assert.deepEqual(privateCalls(mock), [], 'nothing but public endpoints');
  } finally {
    await mock.close();
  }
});

test('a ccxt venue without keys (ccxt aster class on the mock): book, trades and a dropped stream as a gap', { timeout: 60_000 }, async () => {
  const setup = await startCcxtMock();
  try {
    const { mock, front } = setup;
    const them = simCounterparty(mock.exchange, 'them', ASTER_SPOT.symbol);
    await them.place({ side: 'buy', priceTicks: 9_990, qtyLots: 10 });
    await them.place({ side: 'sell', priceTicks: 10_010, qtyLots: 10 });
    const source = await openMarketSource({ venue: 'ccxt:aster', symbol: TEST_SYMBOL }, { clock, ccxt: { ...TEST_ADAPTER_SETTINGS, urls: { api: front.asterUrls } } });
    assert.deepEqual([source.venue, source.market], ['aster', 'spot']);
    const { recorder, finish } = await recordWith(source, 'ccxt');
    await until('the first book', () => recorder.tally.snapshots > 0);
    await simCounterparty(mock.exchange, 'me', ASTER_SPOT.symbol).place({ side: 'sell', priceTicks: 9_990, qtyLots: 4, timeInForce: 'IOC' });
    await until('the trade', () => recorder.tally.trade > 0);
    const snapshots = recorder.tally.snapshots;
    front.drop('market');
    await until('the disconnect', () => recorder.tally.gap > 0);
    await until('a snapshot after the reconnect', () => recorder.tally.snapshots > snapshots);
    const events = await finish();
    const trade = events.find((e) => e.kind === 'trade');
    assert.deepEqual(trade?.kind === 'trade' && [trade.side, trade.price, trade.qty], ['sell', '99.90', '0.4']);
    assert.ok(events.some((e) => e.kind === 'gap' && /market stream disconnected/.test(e.reason)));
    assert.equal(firstLevelAfterGap(events)?.snapshot, true);
    assert.deepEqual(privateCalls(mock), [], 'nothing but public endpoints');
  } finally {
    await setup.close();
  }
});
