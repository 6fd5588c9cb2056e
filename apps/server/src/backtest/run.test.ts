// Acceptance of the volume scheduler: a 24 h backtest of the shipped spot example reaches the daily
// target within ±5 %, trades only inside the active windows, never exceeds the hourly cap, and
// records zero self-trades. The same seed reproduces the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fx } from '@mm/core';
import { runBacktest } from './run.ts';
import type { BacktestSpec } from './run.ts';

const spec = JSON.parse(readFileSync(new URL('../../../../examples/spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;

test('24 h spot example: daily target ±5 %, windows, hourly cap, zero self-trades', async () => {
  const report = await runBacktest(spec, { hours: 24, seed: 1 });
  assert.ok(Math.abs(report.volume.targetHitPct - 100) <= 5, `volume ${report.volume.total} is ${report.volume.targetHitPct} % of the target`);
  assert.equal(report.volume.volumeLegFillsOutsideWindows, 0);
  const cap = fx.parse(spec.bot.volume!.maxNotionalPerHourQuote!);
  for (const hour of report.volume.hourly) assert.ok(fx.parse(hour.volumeLeg) <= cap, `${hour.hourStart}: ${hour.volumeLeg} over the hourly cap`);
  assert.equal(report.selfTrades, 0);
  assert.equal(report.stpPrevented, 0, 'our own checks kept every order off our own quotes');
  assert.ok(report.fills.maker > report.fills.taker, 'maker first');
  assert.deepEqual(Object.keys(report.riskTrips), [], 'no risk limit tripped');
  assert.equal(report.finalState, 'STOPPED');
});

test('a backtest is reproducible from its seed', async () => {
  const a = await runBacktest(spec, { hours: 3, seed: 7 });
  const b = await runBacktest(spec, { hours: 3, seed: 7 });
  const c = await runBacktest(spec, { hours: 3, seed: 8 });
  const key = (r: typeof a) => JSON.stringify([r.fills, r.volume.total, r.pnl.net, r.inventory, r.orders]);
  assert.equal(key(a), key(b));
  assert.notEqual(key(a), key(c));
});
