import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeZip } from '../../test-support/zip.ts';
import type { MarketEvent } from '../events.ts';
import { mergeByTime } from '../merge.ts';
import { openImport } from './open-import.ts';

const dir = mkdtempSync(join(tmpdir(), 'binance-import-'));

async function all(source: AsyncIterable<MarketEvent>): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

test('USD-M trades from a .zip in the data.binance.vision layout: header row skipped, buyer-maker means a sell', async () => {
  const folder = join(dir, 'data/futures/um/daily/trades/BTCUSDT');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'BTCUSDT-trades-2024-03-01.zip');
  const csv = 'id,price,qty,quote_qty,time,is_buyer_maker\n1,42000.10,0.005,210.0005,1709251200123,true\n2,42000.20,0.010,420.002,1709251200124,false\n';
  writeZip(path, [{ name: 'BTCUSDT-trades-2024-03-01.csv', content: csv }]);
  const source = await openImport(path);
  assert.equal(source.format, 'binance-trades');
  assert.deepEqual(source.header, { format: 'mmrec', version: 1, venue: 'binance-futures', symbol: 'BTCUSDT', market: 'perp', source: 'import:binance-trades', startedAt: '2024-03-01T00:00:00.123Z' });
  assert.deepEqual(await all(source), [
    { kind: 'trade', ts: 1709251200123, localTs: 1709251200123, side: 'sell', price: '42000.10', qty: '0.005', id: '1' },
    { kind: 'trade', ts: 1709251200124, localTs: 1709251200124, side: 'buy', price: '42000.20', qty: '0.010', id: '2' },
  ]);
  assert.equal(source.progress.lines, 3);
  assert.equal(source.progress.bytesRead, source.progress.totalBytes - 22 - 46 - 30 - 2 * 'BTCUSDT-trades-2024-03-01.csv'.length, 'the compressed entry was read, not the directory');
});

test('spot trades (.csv.gz, no header, 2025 microseconds, True/False) are spot by their column count', async () => {
  const path = join(dir, 'ETHUSDT-trades-2025-01-01.csv.gz');
  writeFileSync(path, gzipSync('100,3300.01000000,0.50000000,1650.005,1735689600123456,True,True\n101,3300.02000000,1.00000000,3300.02,1735689600124000,False,True\n'));
  const source = await openImport(path);
  assert.equal(source.header.market, 'spot');
  assert.equal(source.header.venue, 'binance');
  assert.deepEqual(await all(source), [
    { kind: 'trade', ts: 1735689600123.456, localTs: 1735689600123.456, side: 'sell', price: '3300.01000000', qty: '0.50000000', id: '100' },
    { kind: 'trade', ts: 1735689600124, localTs: 1735689600124, side: 'buy', price: '3300.02000000', qty: '1.00000000', id: '101' },
  ]);
});

test('aggTrades: the aggregate id and transact_time; --symbol and --market win over the file', async () => {
  const path = join(dir, 'agg.csv');
  writeFileSync(path, '7,10.5,3,70,72,1700000000000,false,True\n8,10.4,1,73,73,1700000000005,true,True\n');
  await assert.rejects(openImport(path, { format: 'binance-aggTrades' }), /cannot tell the symbol .*pass --symbol/);
  const source = await openImport(path, { format: 'binance-aggTrades', symbol: 'XUSDT', market: 'perp' });
  assert.deepEqual([source.header.symbol, source.header.market, source.header.venue], ['XUSDT', 'perp', 'binance-futures']);
  assert.deepEqual(
    (await all(source)).map((e) => e.kind === 'trade' && [e.id, e.ts, e.side, e.price, e.qty]),
    [
      ['7', 1700000000000, 'buy', '10.5', '3'],
      ['8', 1700000000005, 'sell', '10.4', '1'],
    ],
  );
});

test('bookTicker rows become one-level snapshots; a second update in the same millisecond is written as a diff', async () => {
  const path = join(dir, 'BTCUSDT-bookTicker-2024-03-01.zip');
  const csv = [
    'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time',
    '1,100.0,2,100.1,3,1709251200000,1709251200002',
    '2,100.0,1,100.2,3,1709251200000,1709251200003',
    '3,99.9,4,100.2,3,1709251200010,1709251200011',
  ].join('\r\n');
  writeZip(path, [{ name: 'BTCUSDT-bookTicker-2024-03-01.csv', content: csv }]);
  const source = await openImport(path);
  assert.equal(source.format, 'binance-bookTicker');
  const l = (ts: number, localTs: number, side: 'bid' | 'ask', price: string, qty: string, snapshot: boolean): MarketEvent => ({ kind: 'level', ts, localTs, side, price, qty, snapshot });
  const t0 = 1709251200000;
  assert.deepEqual(await all(source), [
    l(t0, t0 + 2, 'bid', '100.0', '2', true),
    l(t0, t0 + 2, 'ask', '100.1', '3', true),
    l(t0, t0 + 3, 'bid', '100.0', '1', false),
    l(t0, t0 + 3, 'ask', '100.1', '0', false),
    l(t0, t0 + 3, 'ask', '100.2', '3', false),
    l(t0 + 10, t0 + 11, 'bid', '99.9', '4', true),
    l(t0 + 10, t0 + 11, 'ask', '100.2', '3', true),
  ]);
});

test('trades and book from separate files merge by time', async () => {
  const trades = join(dir, 'BTCUSDT-trades-2024-03-02.csv');
  writeFileSync(trades, '1,100.0,1,100,1709251200000,true\n2,100.1,1,100.1,1709251200005,false\n');
  const book = join(dir, 'BTCUSDT-bookTicker-2024-03-02.csv');
  writeFileSync(book, '1,100.0,2,100.1,3,1709251200000,1709251200000\n2,100.0,2,100.2,3,1709251200003,1709251200003\n');
  const merged = await all(mergeByTime(await openImport(book), await openImport(trades)));
  assert.deepEqual(
    merged.map((e) => `${e.ts - 1709251200000}${e.kind[0]}`),
    ['0l', '0l', '0t', '3l', '3l', '5t'],
  );
});

test('clear errors: a bad row with its line, an unknown format, a zip with two files, a cut .gz', async () => {
  const bad = join(dir, 'BTCUSDT-trades-2024-03-03.csv');
  writeFileSync(bad, '1,100.0,1,100,1709251200000,true\n2,abc,1,100,1709251200001,true\n');
  await assert.rejects(async () => all(await openImport(bad)), /BTCUSDT-trades-2024-03-03\.csv:2: price "abc" is not a non-negative decimal number/);
  const flag = join(dir, 'BTCUSDT-trades-2024-03-04.csv');
  writeFileSync(flag, '1,100.0,1,100,1709251200000,maybe\n');
  await assert.rejects(openImport(flag), /:1: is_buyer_maker "maybe" is not true or false/);
  const odd = join(dir, 'odd.csv');
  writeFileSync(odd, 'a,b,c\n1,2,3\n');
  await assert.rejects(openImport(odd), /cannot tell the format .*pass --format/);
  await assert.rejects(openImport(odd, { format: 'nope' }), /unknown format "nope"/);
  const two = join(dir, 'two.zip');
  writeZip(two, [
    { name: 'a.csv', content: '1' },
    { name: 'b.csv', content: '2' },
  ]);
  await assert.rejects(openImport(two), /expected one file in the zip archive, found 2 \(a\.csv, b\.csv\)/);
  const cut = join(dir, 'BTCUSDT-trades-2024-03-05.csv.gz');
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},100.0,1,100,${1709251200000 + i},true`).join('\n');
  writeFileSync(cut, gzipSync(rows).subarray(0, 4000));
  await assert.rejects(async () => all(await openImport(cut)), /the gzip stream ends early/);
});
