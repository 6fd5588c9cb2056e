import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LevelEvent, MarketEvent } from '../events.ts';
import { RecordedBook } from '../recorded-book.ts';
import { openImport } from './open-import.ts';
import { plainDecimal } from './fields.ts';

const dir = mkdtempSync(join(tmpdir(), 'tardis-import-'));

async function all(source: AsyncIterable<MarketEvent>): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

test('trades (.csv.gz): µs to ms, aggressor side kept, unknown sides counted and left out', async () => {
  const path = join(dir, 'binance-futures_trades_2024-03-01_BTCUSDT.csv.gz');
  const csv = [
    'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
    'binance-futures,BTCUSDT,1709251200123456,1709251200125001,4001,sell,42000.1,0.005',
    'binance-futures,BTCUSDT,1709251200124000,1709251200126000,,buy,42000.2,1e-05',
    'binance-futures,BTCUSDT,1709251200124500,1709251200126500,4003,unknown,42000.2,1',
  ].join('\n');
  writeFileSync(path, gzipSync(csv));
  const source = await openImport(path);
  assert.equal(source.format, 'tardis-trades');
  assert.deepEqual([source.header.venue, source.header.symbol, source.header.market, source.header.startedAt], ['tardis:binance-futures', 'BTCUSDT', 'perp', '2024-03-01T00:00:00.123Z']);
  assert.deepEqual(await all(source), [
    { kind: 'trade', ts: 1709251200123.456, localTs: 1709251200125.001, side: 'sell', price: '42000.1', qty: '0.005', id: '4001' },
    { kind: 'trade', ts: 1709251200124, localTs: 1709251200126, side: 'buy', price: '42000.2', qty: '0.00001' },
  ]);
  assert.equal(source.progress.skipped, 1);
});

const lvl = (ts: number, localTs: number, side: 'bid' | 'ask', price: string, qty: string, snapshot: boolean): LevelEvent => ({ kind: 'level', ts, localTs, side, price, qty, snapshot });

test('incremental_book_L2: each snapshot run is one run at its first row\'s time; diffs in between', async () => {
  const path = join(dir, 'book.csv');
  const rows = [
    'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount',
    'bitmex,XBTUSD,1000000,1000500,true,ask,101,5',
    'bitmex,XBTUSD,1000000,1000500,true,bid,100,4',
    'bitmex,XBTUSD,1001000,1001200,false,bid,100,0',
    'bitmex,XBTUSD,1001000,1001200,false,bid,99.5,2',
    // a reconnect: a new snapshot whose rows carry different times
    'bitmex,XBTUSD,2000000,2000100,true,bid,98,1',
    'bitmex,XBTUSD,2000001,2000101,true,ask,99,1',
    'bitmex,XBTUSD,2002000,2002100,false,ask,99.5,3',
  ];
  writeFileSync(path, rows.join('\n') + '\n');
  const source = await openImport(path);
  assert.equal(source.format, 'tardis-incremental_book_L2');
  assert.equal(source.header.market, 'perp');
  const events = await all(source);
  assert.deepEqual(events, [
    lvl(1000, 1000.5, 'ask', '101', '5', true),
    lvl(1000, 1000.5, 'bid', '100', '4', true),
    lvl(1001, 1001.2, 'bid', '100', '0', false),
    lvl(1001, 1001.2, 'bid', '99.5', '2', false),
    lvl(2000, 2000.1, 'bid', '98', '1', true),
    lvl(2000, 2000.1, 'ask', '99', '1', true),
    lvl(2002, 2002.1, 'ask', '99.5', '3', false),
  ]);
  const book = new RecordedBook();
  events.forEach((e) => book.apply(e));
  assert.deepEqual([book.bids(), book.asks()], [[['98', '1']], [['99', '1'], ['99.5', '3']]]);
});

test('book_snapshot_5: rows become snapshots (missing levels skipped), a repeat at the same time a diff', async () => {
  const path = join(dir, 'snap.csv');
  const names = ['exchange', 'symbol', 'timestamp', 'local_timestamp'];
  for (let i = 0; i < 5; i++) names.push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
  const row = (ts: number, levels: string[]) => ['okex', 'BTC-USDT', `${ts}`, `${ts + 7}`, ...levels, ...Array(20 - levels.length).fill('')].join(',');
  writeFileSync(path, [names.join(','), row(5_000_000, ['101', '1', '100', '2', '102', '3', '99', '4']), row(5_000_000, ['101', '1', '100', '5']), row(6_000_000, ['103', '1', '98', '1'])].join('\n'));
  const source = await openImport(path);
  assert.equal(source.format, 'tardis-book_snapshot');
  assert.deepEqual([source.header.venue, source.header.market], ['tardis:okex', 'spot']);
  assert.deepEqual(await all(source), [
    lvl(5000, 5000.007, 'bid', '100', '2', true),
    lvl(5000, 5000.007, 'bid', '99', '4', true),
    lvl(5000, 5000.007, 'ask', '101', '1', true),
    lvl(5000, 5000.007, 'ask', '102', '3', true),
    lvl(5000, 5000.007, 'bid', '99', '0', false),
    lvl(5000, 5000.007, 'bid', '100', '5', false),
    lvl(5000, 5000.007, 'ask', '102', '0', false),
    lvl(6000, 6000.007, 'bid', '98', '1', true),
    lvl(6000, 6000.007, 'ask', '103', '1', true),
  ]);
});

test('a bad Tardis row names its line; a header without the needed columns is refused', async () => {
  const path = join(dir, 'bad.csv');
  writeFileSync(path, 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\nx,Y,1,1,true,bid,1,1\nx,Y,2,2,maybe,bid,1,1\n');
  await assert.rejects(async () => all(await openImport(path)), /bad\.csv:3: is_snapshot "maybe" is not true or false/);
  const short = join(dir, 'short.csv');
  writeFileSync(short, 'exchange,symbol,timestamp,local_timestamp,side,price,amount\nx,Y,1,1,buy,1,1\n');
  await assert.rejects(openImport(short, { format: 'tardis-incremental_book_L2' }), /header lacks is_snapshot/);
});

test('exponent notation becomes the exact plain decimal', () => {
  assert.equal(plainDecimal('1e-05', 'x'), '0.00001');
  assert.equal(plainDecimal('1.25E3', 'x'), '1250');
  assert.equal(plainDecimal('12.5e-1', 'x'), '1.25');
  assert.equal(plainDecimal('0.10', 'x'), '0.10');
  assert.throws(() => plainDecimal('-1', 'x'), /not a non-negative decimal/);
});
