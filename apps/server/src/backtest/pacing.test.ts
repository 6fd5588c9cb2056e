// Issue 15, volume pacing: a bot started mid-day paces the rest of the day. The shipped spot
// example with an all-day window (00:00–23:59 UTC), started at 18:00, must end the day within
// ±5 % of the share of the target the remaining active time stands for, and no clock hour of its
// volume leg may go over the catch-up bound (catchUpMultiple × target ÷ active hours, at most the
// hourly cap). Before the fix it traded most of the day's target in its first hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runBacktest } from './run.ts';
import type { BacktestSpec } from './run.ts';

const example = JSON.parse(readFileSync(new URL('../../../../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;

test('started at 18:00 with a 00:00–23:59 window: the day ends at the pro-rata target, no hour over the catch-up bound', async () => {
  const windows = [{ start: '00:00', end: '23:59' }];
  const spec: BacktestSpec = { ...example, bot: { ...example.bot, volume: { ...example.bot.volume, windows } }, start: '2026-01-05T18:00:00Z' };
  const start = Date.parse(spec.start!);
  const dayEnd = Date.parse('2026-01-06T00:00:00Z');
  const report = await runBacktest(spec, { hours: 6, seed: 1 });

  const target = Number(spec.bot.volume!.dailyTargetQuote);
  const activeDayMin = 23 * 60 + 59;
  const activeLeftMin = 5 * 60 + 59; // 18:00–23:59
  const proRata = (target * activeLeftMin) / activeDayMin; // ≈ 9986
  // the day's volume: every fill of the bot before midnight (the stop runs a minute into the next day)
  const today = report.volume.hourly.filter((h) => Date.parse(h.hourStart) >= start && Date.parse(h.hourStart) < dayEnd);
  const traded = today.reduce((sum, h) => sum + Number(h.total), 0);
  assert.ok(Math.abs(traded / proRata - 1) <= 0.05, `traded ${traded.toFixed(2)} by midnight, pro-rata target ${proRata.toFixed(2)}`);

  // the bound: 2 × 40000 / (23 h 59 min) ≈ 3335.65 an hour, under the example's 3500 hourly cap.
  // It holds for every clock hour, full or not: the last one (23:00–23:59) has 59 active
  // minutes and gets no extra room, so it is checked against the same bound.
  const plainPerHour = (target * 60) / activeDayMin;
  const cap = Number(spec.bot.volume!.maxNotionalPerHourQuote);
  const bound = Math.min(cap, 2 * plainPerHour);
  assert.ok(bound < cap, 'the catch-up bound, not the hourly cap, is the limit here');
  assert.equal(today.length, 6, 'the bot traded in every hour from 18:00 to 23:00');
  for (const h of today) assert.ok(Number(h.volumeLeg) <= bound, `${h.hourStart}: volume leg ${h.volumeLeg} over the catch-up bound ${bound.toFixed(2)}`);
  // the burst of the issue: 78.9 % of the target within 12 minutes; now the first hour is about one plain hour
  const first = today.find((h) => Date.parse(h.hourStart) === start);
  assert.ok(first !== undefined && Number(first.total) <= bound + plainPerHour, `first hour ${first?.total}`);
  assert.ok(Number(first.total) < 0.1 * target, 'nowhere near a day of volume in the first hour');

  assert.equal(report.volume.volumeLegFillsOutsideWindows, 0);
  assert.equal(report.selfTrades, 0);
  assert.deepEqual(Object.keys(report.riskTrips), [], 'no risk limit tripped');
});
