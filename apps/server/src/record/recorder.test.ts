import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '@mm/core';
import type { PublicTrade } from '@mm/core';
import type { SimVenue } from '@mm/exchange-sim';
import { RecordedBook, RecordingWriter, loadRecording } from '@mm/market-data';
import type { MarketEvent } from '@mm/market-data';
import { openMarketSource } from './market-sources.ts';
import { MarketRecorder } from './recorder.ts';

const dir = mkdtempSync(join(tmpdir(), 'recorder-'));

/** Lets simulated time run while `promise` (which waits on it) settles. */
async function whileRunning<T>(clock: SimClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const result = promise.finally(() => (done = true));
  while (!done) await clock.advance(5);
  return result;
}

/** Snapshot runs in file order: the index of each run's first event. */
function snapshotRuns(events: readonly MarketEvent[]): number[] {
  const starts: number[] = [];
  events.forEach((e, i) => {
    const prev = events[i - 1];
    if (e.kind === 'level' && e.snapshot && !(prev?.kind === 'level' && prev.snapshot && prev.ts === e.ts)) starts.push(i);
  });
  return starts;
}

test('recording the sim market: the file rebuilds the last book exactly, has every trade, a snapshot a minute and a gap for a drop', async () => {
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const source = await whileRunning(clock, openMarketSource({ venue: 'sim', symbol: 'DEMOUSDT' }, { clock }));
  assert.equal(source.market, 'spot');
  const path = join(dir, 'sim.mmrec.gz');
  const writer = await RecordingWriter.open(path, { format: 'mmrec', version: 1, venue: 'sim', symbol: 'DEMOUSDT', market: 'spot', source: 'recorder', startedAt: new Date(clock.now()).toISOString() }, { clock });
  const recorder = new MarketRecorder({ source, writer, clock });
  const trades: PublicTrade[] = [];
  source.feed.events.on('trade', (t) => trades.push(t));
  await whileRunning(clock, recorder.start());
  const start = clock.now();
  await clock.runUntil(start + 100_000);
  const dropAt = clock.now();
  await (source.feed as SimVenue).faults.dropMarketStream();
  await clock.runUntil(start + 190_000);
  await recorder.stop();
  await writer.close();
  await source.close();

  const { events, status } = await loadRecording(path);
  assert.equal(status.truncated, false);
  assert.ok(trades.length > 20, `the demo market traded (${trades.length})`);
  const inFile = events.filter((e) => e.kind === 'trade');
  assert.equal(inFile.length, trades.length);
  const inst = source.instrument;
  assert.deepEqual(
    inFile.map((e) => e.kind === 'trade' && [e.id, e.side, e.price, e.qty, e.ts, e.localTs]),
    trades.map((t) => [t.tradeId, t.takerSide, inst.ticksToPrice(t.priceTicks), inst.lotsToQty(t.qtyLots), t.venueTime, t.receivedAt]),
  );

  const book = new RecordedBook();
  events.forEach((e) => book.apply(e));
  const last = recorder.lastBook!;
  assert.ok(last.bids.length > 3 && last.asks.length > 3);
  assert.deepEqual(book.bids(), last.bids.map((l) => [inst.ticksToPrice(l.priceTicks), inst.lotsToQty(l.qtyLots)]));
  assert.deepEqual(book.asks(), last.asks.map((l) => [inst.ticksToPrice(l.priceTicks), inst.lotsToQty(l.qtyLots)]));

  // a full snapshot first, then one a minute (0, 60 s; the drop; 120 s after it... ), diffs between
  const runs = snapshotRuns(events);
  assert.equal(runs[0], 0, 'the file starts with a snapshot');
  assert.ok(runs.length >= 4, `${runs.length} snapshot runs in 190 s with a reconnect`);
  assert.ok(events.some((e) => e.kind === 'level' && !e.snapshot && e.qty === '0'), 'removed levels are written as qty 0');
  const gaps = events.filter((e) => e.kind === 'gap');
  assert.equal(gaps.length, 1);
  assert.match(gaps[0]!.kind === 'gap' ? gaps[0]!.reason : '', /market stream disconnected: simulated drop/);
  assert.equal(gaps[0]!.ts, dropAt);
  const afterGap = events.slice(events.indexOf(gaps[0]!) + 1).find((e) => e.kind === 'level');
  assert.equal(afterGap?.kind === 'level' && afterGap.snapshot, true, 'the first book after the gap is a full snapshot');
  assert.equal(recorder.tally.events, events.length);
});
