import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, fx } from '@mm/core';
import { pacing } from './pacing.ts';
import { volume } from '../test-fixtures.ts';

const utc = Date.UTC;
const p = fx.parse;

test('inside a window: expected = target × active elapsed / active total, deficit = expected − traded', () => {
  const config = volume({ dailyTargetQuote: '12000', windows: [{ start: '08:00', end: '20:00' }] });
  // 14:00: 6 of 12 active hours → 6000 expected; 5000 traded → 1000 behind
  const s = pacing(config, p('5000'), utc(2024, 0, 15, 14));
  assert.equal(s.active, true);
  assert.equal(s.activeElapsedMs, 6 * HOUR_MS);
  assert.equal(s.activeTotalMs, 12 * HOUR_MS);
  assert.equal(s.expected, p('6000'));
  assert.equal(s.deficit, p('1000'));
  assert.equal(s.dayStart, utc(2024, 0, 15));
  // ahead of schedule: negative deficit
  assert.equal(pacing(config, p('7000'), utc(2024, 0, 15, 14)).deficit, p('-1000'));
  // 09:20: 1 h 20 min of 12 h → 12000 × 4800000 / 43200000 = 1333.33… (rounded down)
  assert.equal(pacing(config, 0n, utc(2024, 0, 15, 9, 20)).expected, p('1333.333333333333333333'));
});

test('outside the windows: inactive; expected holds before, between and after', () => {
  const config = volume({ dailyTargetQuote: '12000', windows: [{ start: '08:00', end: '11:00' }, { start: '14:00', end: '17:00' }] });
  const before = pacing(config, 0n, utc(2024, 0, 15, 7));
  assert.deepEqual([before.active, before.expected], [false, 0n]);
  // 12:00: the first window (3 of 6 active hours) is done → 6000
  const between = pacing(config, 0n, utc(2024, 0, 15, 12));
  assert.deepEqual([between.active, between.activeElapsedMs, between.activeTotalMs, between.expected], [false, 3 * HOUR_MS, 6 * HOUR_MS, p('6000')]);
  assert.equal(pacing(config, 0n, utc(2024, 0, 15, 15)).active, true);
  const after = pacing(config, 0n, utc(2024, 0, 15, 18));
  assert.deepEqual([after.active, after.expected], [false, p('12000')]);
  // the end is exclusive
  assert.equal(pacing(config, 0n, utc(2024, 0, 15, 11)).active, false);
  assert.equal(pacing(config, 0n, utc(2024, 0, 15, 8)).active, true);
});

test('a window past midnight counts its morning part on the next day', () => {
  // 22:00 → 02:00 every day: each day has 00:00–02:00 and 22:00–24:00, 4 h in all
  const daily = volume({ dailyTargetQuote: '4000', windows: [{ start: '22:00', end: '02:00' }] });
  const night = pacing(daily, 0n, utc(2024, 0, 15, 1));
  assert.deepEqual([night.active, night.activeElapsedMs, night.activeTotalMs, night.expected], [true, HOUR_MS, 4 * HOUR_MS, p('1000')]);
  assert.deepEqual([pacing(daily, 0n, utc(2024, 0, 15, 12)).active, pacing(daily, 0n, utc(2024, 0, 15, 12)).expected], [false, p('2000')]);
  assert.equal(pacing(daily, 0n, utc(2024, 0, 15, 23)).expected, p('3000'));
  // days are by the start: a Friday-only window (5 January 2024 is a Friday) runs into Saturday morning
  const friday = volume({ dailyTargetQuote: '4000', windows: [{ start: '22:00', end: '02:00', days: [5] }] });
  const fri = pacing(friday, 0n, utc(2024, 0, 5, 23));
  assert.deepEqual([fri.active, fri.activeTotalMs, fri.expected], [true, 2 * HOUR_MS, p('2000')]);
  assert.equal(pacing(friday, 0n, utc(2024, 0, 5, 1)).active, false); // Thursday's night is not in it
  const sat = pacing(friday, 0n, utc(2024, 0, 6, 1));
  assert.deepEqual([sat.active, sat.activeTotalMs, sat.expected], [true, 2 * HOUR_MS, p('2000')]);
  const sun = pacing(friday, 0n, utc(2024, 0, 7, 1));
  assert.deepEqual([sun.active, sun.activeTotalMs, sun.expected], [false, 0, 0n]);
});

test('DST in Europe/Berlin: active time follows the real clock', () => {
  const config = volume({ dailyTargetQuote: '2000', timezone: 'Europe/Berlin', windows: [{ start: '01:00', end: '04:00' }] });
  // 31 March 2024: 01:00 CET = 00:00 UTC to 04:00 CEST = 02:00 UTC, only 2 h
  const spring = pacing(config, 0n, utc(2024, 2, 31, 1, 30));
  assert.equal(spring.activeTotalMs, 2 * HOUR_MS);
  // 01:30 UTC is 03:30 CEST: 1.5 of 2 h → 1500
  assert.deepEqual([spring.active, spring.activeElapsedMs, spring.expected], [true, 1.5 * HOUR_MS, p('1500')]);
  assert.equal(spring.dayStart, utc(2024, 2, 30, 23));
  // 27 October 2024: 01:00 CEST = 23:00 UTC (26th) to 04:00 CET = 03:00 UTC, 4 h
  const autumn = pacing(config, 0n, utc(2024, 9, 27, 1));
  assert.deepEqual([autumn.activeTotalMs, autumn.activeElapsedMs, autumn.expected], [4 * HOUR_MS, 2 * HOUR_MS, p('1000')]);
  // the whole-day default window on the short day: 00:00–23:59 local is 22 h 59 min
  const allDay = pacing(volume({ timezone: 'Europe/Berlin' }), 0n, utc(2024, 2, 31, 12));
  assert.equal(allDay.activeTotalMs, 22 * HOUR_MS + 59 * 60_000);
});
