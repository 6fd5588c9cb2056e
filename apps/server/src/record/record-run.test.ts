import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SimClock } from '@mm/core';
import { loadRecording } from '@mm/market-data';
import { parseRecordArgs, startRecording } from './record-run.ts';

test('--hours stops the recording by itself; the file is named after venue, symbol, market and start', async () => {
  const clock = new SimClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  const dir = mkdtempSync(join(tmpdir(), 'record-run-'));
  const lines: string[] = [];
  const out = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t) };
  const starting = startRecording(parseRecordArgs(['--venue', 'sim', '--symbol', 'DEMOUSDT', '--hours', '0.01', '--out', dir]), { clock, out });
  let started = false;
  void starting.finally(() => (started = true));
  while (!started) await clock.advance(5);
  const session = await starting;
  assert.equal(basename(session.path), 'sim_DEMOUSDT_spot_20260501T120000Z.mmrec.gz');
  let stopped = false;
  void session.done.then(() => (stopped = true));
  await clock.runUntil(Date.UTC(2026, 4, 1, 12, 0, 30));
  assert.equal(stopped, false, 'still recording after 30 s of 36');
  while (!stopped) await clock.advance(100);
  const summary = await session.done;
  assert.match(summary, /recording stopped \(0\.01 h elapsed\)/);
  const loaded = await loadRecording(session.path);
  const lastTs = loaded.events.at(-1)!.ts - Date.UTC(2026, 4, 1, 12);
  assert.ok(lastTs > 30_000 && lastTs <= 37_000, `the last event ${lastTs} ms after the start: stopped at 36 s`);
  assert.equal(loaded.status.truncated, false);
  assert.deepEqual([loaded.header.venue, loaded.header.market, loaded.header.source, loaded.header.tickSize, loaded.header.lotSize], ['sim', 'spot', 'recorder', '0.0001', '1']);
  assert.ok(lines.join('').includes('elapsed, '), 'a progress line was written');
});

test('record arguments are checked', () => {
  assert.throws(() => parseRecordArgs(['--venue', 'sim']), /--venue and --symbol are required/);
  assert.throws(() => parseRecordArgs(['--venue', 'sim', '--symbol', 'X', '--hours', '-1']), /--hours must be a positive number/);
  assert.throws(() => parseRecordArgs(['--venue', 'sim', '--symbol', 'X', '--market', 'swap']), /--market must be spot or perp/);
  assert.throws(() => parseRecordArgs(['--venue', 'sim', '--symbol']), /--symbol needs a value/);
  assert.deepEqual(parseRecordArgs(['--venue', 'asterdex', '--symbol', 'BTCUSDT']), { venue: 'asterdex', symbol: 'BTCUSDT', market: undefined, hours: undefined, out: 'data/recordings' });
});

test('an unknown sim symbol or market is a clear error', async () => {
  const clock = new SimClock(0);
  const { openMarketSource } = await import('./market-sources.ts');
  await assert.rejects(openMarketSource({ venue: 'sim', symbol: 'BTCUSDT' }, { clock }), /the sim venue has DEMOUSDT and DEMOUSDT-PERP, not BTCUSDT/);
  await assert.rejects(openMarketSource({ venue: 'sim', symbol: 'DEMOUSDT', market: 'perp' }, { clock }), /DEMOUSDT is a spot market/);
  await assert.rejects(openMarketSource({ venue: 'mexc', symbol: 'BTC/USDT', market: 'perp' }, { clock }), /ccxt venues are recorded as spot markets/);
});
