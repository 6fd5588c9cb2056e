import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { MarketEvent } from '../events.ts';
import { openImport } from './open-import.ts';

const dir = mkdtempSync(join(tmpdir(), 'binance-stream-'));

async function all(source: AsyncIterable<MarketEvent>): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

const depth = (local: number, E: number, U: number, u: number, b: [string, string][], a: [string, string][], pu?: number) =>
  `${local} ${JSON.stringify({ stream: 'nexousdt@depth@100ms', data: { e: 'depthUpdate', E, s: 'NEXOUSDT', U, u, ...(pu === undefined ? {} : { pu }), b, a } })}`;
const trade = (local: number, T: number, t: number, p: string, q: string, m: boolean) =>
  `${local} ${JSON.stringify({ stream: 'nexousdt@trade', data: { e: 'trade', E: T, s: 'NEXOUSDT', t, p, q, T, m, M: true } })}`;
const snapshot = (local: number, lastUpdateId: number, bids: [string, string][], asks: [string, string][]) => `${local} ${JSON.stringify({ lastUpdateId, bids, asks })}`;

test('collector lines (.gz, µs): the snapshot is placed by the diff that spans it, older diffs dropped, trades sorted by exchange time, bookTicker skipped', async () => {
  const path = join(dir, 'nexousdt_20240723.dat.gz');
  const lines = [
    // a diff before the snapshot that the snapshot already contains, and one that straddles it
    depth(1721749182000000, 1721749182100, 90, 99, [['1.21300000', '5.00000000']], []),
    depth(1721749182100000, 1721749182200, 100, 102, [['1.21400000', '70.00000000']], []),
    snapshot(1721749182850494, 101, [['1.21400000', '63.38000000']], [['1.21600000', '62.53000000']]),
    `1721749183994292 ${JSON.stringify({ stream: 'nexousdt@bookTicker', data: { u: 103, s: 'NEXOUSDT', b: '1.214', B: '70', a: '1.216', A: '62.53' } })}`,
    // received after the next diff, but printed before it
    depth(1721749184000000, 1721749184011, 103, 103, [], [['1.25300000', '0.00000000']]),
    trade(1721749184010000, 1721749183990, 12792147, '1.21600000', '10.82000000', false),
    trade(1721749184020000, 1721749184044, 12792148, '1.21400000', '3.85000000', true),
  ];
  writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
  const source = await openImport(path);
  assert.equal(source.format, 'binance-stream');
  assert.deepEqual([source.header.venue, source.header.symbol, source.header.market], ['binance', 'NEXOUSDT', 'spot']);
  const events = await all(source);
  assert.deepEqual(events, [
    { kind: 'level', ts: 1721749182200, localTs: 1721749182850.494, side: 'bid', price: '1.214', qty: '63.38', snapshot: true },
    { kind: 'level', ts: 1721749182200, localTs: 1721749182850.494, side: 'ask', price: '1.216', qty: '62.53', snapshot: true },
    { kind: 'level', ts: 1721749182200, localTs: 1721749182100, side: 'bid', price: '1.214', qty: '70', snapshot: false },
    { kind: 'trade', ts: 1721749183990, localTs: 1721749184010, side: 'buy', price: '1.216', qty: '10.82', id: '12792147' },
    { kind: 'level', ts: 1721749184011, localTs: 1721749184000, side: 'ask', price: '1.253', qty: '0', snapshot: false },
    { kind: 'trade', ts: 1721749184044, localTs: 1721749184020, side: 'sell', price: '1.214', qty: '3.85', id: '12792148' },
  ]);
  assert.equal(source.progress.skipped, 1, 'the bookTicker line');
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.ts >= events[i - 1]!.ts, 'sorted by exchange time');
});

test('a break in the depth sequence is a gap, and the book stays unknown until the next snapshot (USD-M: pu, ns times)', async () => {
  const path = join(dir, 'btcusdt_20240808.gz');
  const ns = (ms: number) => ms * 1_000_000;
  const lines = [
    snapshot(ns(1723161253000), 500, [['60000.1', '1']], [['60000.2', '2']]),
    depth(ns(1723161253100), 1723161253050, 495, 505, [['60000.1', '1.5']], [], 490),
    depth(ns(1723161253200), 1723161253150, 506, 510, [], [['60000.2', '1']], 505),
    // pu 515 ≠ 510: updates 511..515 are missing
    depth(ns(1723161253300), 1723161253250, 516, 520, [['60000.0', '3']], [], 515),
    depth(ns(1723161253400), 1723161253350, 521, 522, [['59999.9', '3']], [], 520),
    snapshot(ns(1723161253500), 530, [['60000.0', '4']], [['60000.3', '1']]),
    depth(ns(1723161253600), 1723161253550, 529, 531, [['60000.0', '4.5']], [], 528),
  ];
  writeFileSync(path, gzipSync(lines.join('\n')));
  const source = await openImport(path, { symbol: 'BTCUSDT' });
  assert.equal(source.header.market, 'perp');
  const events = await all(source);
  const brief = events.map((e) => (e.kind === 'gap' ? `gap@${e.ts}` : e.kind === 'level' ? `${e.snapshot ? 'S' : 'D'}:${e.side}:${e.price}=${e.qty}@${e.ts}` : 'trade'));
  assert.deepEqual(brief, [
    'S:bid:60000.1=1@1723161253050',
    'S:ask:60000.2=2@1723161253050',
    'D:bid:60000.1=1.5@1723161253050',
    'D:ask:60000.2=1@1723161253150',
    'gap@1723161253250',
    // 521..522 arrives while the book is unknown: not applied
    'S:bid:60000=4@1723161253550',
    'S:ask:60000.3=1@1723161253550',
    'D:bid:60000=4.5@1723161253550',
  ]);
  const gap = events.find((e) => e.kind === 'gap');
  assert.match(gap?.kind === 'gap' ? gap.reason : '', /pu=515 after u=510/);
});

test('a line that is not a collector line names its line number', async () => {
  const path = join(dir, 'bad_20240101.dat');
  writeFileSync(path, [snapshot(1721749182850494, 1, [['1', '1']], [['2', '1']]), '1721749182850495 {"stream":"x","data":{"e":"trade","T":"soon"}}'].join('\n'));
  await assert.rejects(async () => all(await openImport(path, { format: 'binance-stream', symbol: 'X' })), /bad_20240101\.dat:2: T is not a number/);
});
