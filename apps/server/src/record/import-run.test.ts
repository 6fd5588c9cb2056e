import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SimClock } from '@mm/core';
import { loadRecording } from '@mm/market-data';
import { writeZip } from '@mm/market-data/test-support';
import { parseImportArgs, runImport } from './import-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'import-run-'));
const T0 = Date.UTC(2024, 2, 1);

function output() {
  const lines: string[] = [];
  return { lines, out: { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t) } };
}

test('a zip of trades and a .gz of book tickers become one recording, merged by time and cut to the window', async () => {
  const trades = join(dir, 'BTCUSDT-trades-2024-03-01.zip');
  writeZip(trades, [{ name: 'BTCUSDT-trades-2024-03-01.csv', content: ['id,price,qty,quote_qty,time,is_buyer_maker', `1,100.0,1,100,${T0 + 500},true`, `2,100.1,2,200.2,${T0 + 1500},false`, `3,100.2,1,100.2,${T0 + 3000},false`].join('\n') }]);
  const book = join(dir, 'BTCUSDT-bookTicker-2024-03-01.csv.gz');
  writeFileSync(book, gzipSync(['update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time', `1,99.9,5,100.0,4,${T0},${T0}`, `2,100.0,3,100.1,4,${T0 + 1200},${T0 + 1200}`].join('\n')));
  const outPath = join(dir, 'merged.mmrec.gz');
  const args = parseImportArgs(['--in', trades, '--in', book, '--out', outPath, '--from', new Date(T0 + 1000).toISOString(), '--to', new Date(T0 + 2000).toISOString()]);
  const { out, lines } = output();
  const result = await runImport(args, { clock: new SimClock(0), out });
  const loaded = await loadRecording(outPath);
  assert.deepEqual(loaded.header, {
    format: 'mmrec', version: 1, venue: 'binance-futures', symbol: 'BTCUSDT', market: 'perp', source: 'import:binance-trades+binance-bookTicker', startedAt: new Date(T0 + 1000).toISOString(),
    note: 'from BTCUSDT-trades-2024-03-01.zip, BTCUSDT-bookTicker-2024-03-01.csv.gz',
  });
  const l = (ts: number, side: 'bid' | 'ask', price: string, qty: string, snapshot: boolean) => ({ kind: 'level', ts, localTs: ts, side, price, qty, snapshot });
  assert.deepEqual(loaded.events, [
    // the book at the window's start, from the tick before it
    l(T0 + 1000, 'bid', '99.9', '5', true),
    l(T0 + 1000, 'ask', '100.0', '4', true),
    l(T0 + 1200, 'bid', '100.0', '3', true),
    l(T0 + 1200, 'ask', '100.1', '4', true),
    { kind: 'trade', ts: T0 + 1500, localTs: T0 + 1500, side: 'buy', price: '100.1', qty: '2', id: '2' },
  ]);
  assert.equal(result.tally.events, 5);
  const summary = lines.join('') + result.summary;
  assert.match(summary, /5 events \(trades 1, levels 4, gaps 0\)/);
  assert.match(summary, /span 2024-03-01T00:00:01\.000Z → 2024-03-01T00:00:01\.500Z/);
});

test('a bad row stops the import with its line and leaves no half-written output', async () => {
  const bad = join(dir, 'ETHUSDT-aggTrades-2024-03-01.csv');
  writeFileSync(bad, `1,10,1,1,1,${T0},true,True\n2,10,x,2,2,${T0 + 1},true,True\n`);
  const outPath = join(dir, 'bad.mmrec.gz');
  await assert.rejects(runImport(parseImportArgs(['--in', bad, '--out', outPath]), { clock: new SimClock(0), out: output().out }), /ETHUSDT-aggTrades-2024-03-01\.csv:2: qty "x"/);
  assert.equal(existsSync(outPath), false);
  const other = join(dir, 'SOLUSDT-aggTrades-2024-03-01.csv');
  writeFileSync(other, `1,10,1,1,1,${T0},true,True\n`);
  const eth = join(dir, 'ETHUSDT-aggTrades-2024-03-02.csv');
  writeFileSync(eth, `1,10,1,1,1,${T0},true,True\n`);
  await assert.rejects(runImport(parseImportArgs(['--in', eth, '--in', other, '--out', outPath]), { clock: new SimClock(0), out: output().out }), /different symbols \(ETHUSDT, SOLUSDT\); pass --symbol/);
});

test('arguments: required flags, ISO times and a .mmrec.gz output are checked', () => {
  assert.throws(() => parseImportArgs(['--out', 'x.mmrec.gz']), /at least one --in/);
  assert.throws(() => parseImportArgs(['--in', 'a', '--out', 'x.csv']), /must end in \.mmrec\.gz/);
  assert.throws(() => parseImportArgs(['--in', 'a', '--out', 'x.mmrec.gz', '--from', 'yesterday']), /--from "yesterday" is not an ISO time/);
  assert.throws(() => parseImportArgs(['--in', 'a', '--out', 'x.mmrec.gz', '--market', 'futures']), /--market must be spot or perp/);
  assert.throws(() => parseImportArgs(['--in', 'a', '--out', 'x.mmrec.gz', '--speed', '2']), /unknown option --speed/);
});
