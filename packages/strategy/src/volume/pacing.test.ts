import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, fx, volumeSchema } from '@mm/core';
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

// Issue 15: the demo bot started at 18:30 UTC with a 00:00–23:59 window showed "expected 30,891
// of 40,000" at once and traded most of a day's volume in a burst.
const ALL_DAY_MS = 23 * HOUR_MS + 59 * 60_000;

test('started mid-day: the schedule starts at the start, at the plain pace, and ends at the share of the day left', () => {
  const config = volume({ dailyTargetQuote: '40000' });
  const start = utc(2024, 0, 15, 18, 30);
  const anchor = { at: start, traded: 0n };
  const plain = pacing(config, 0n, start);
  // the full-day line would say 18.5 of 23 h 59 min are behind us: about 30,855 expected at once
  assert.ok(plain.expected > p('30000'));
  const s = pacing(config, 0n, start, anchor);
  assert.equal(s.expected, 0n, 'nothing is owed for the time before the start');
  assert.equal(s.deficit, 0n);
  assert.equal(s.scheduleStart, start);
  assert.notEqual(s.expected, plain.expected);
  // the plain pace: 40000 / 23 h 59 min ≈ 1667.82 an hour, and twice that is the catch-up bound
  const perHour = fx.divInt(p('40000') * BigInt(HOUR_MS), BigInt(ALL_DAY_MS), 'floor');
  assert.equal(s.plainPerHour, perHour);
  assert.equal(s.maxPerHour, fx.mul(perHour, p('2'), 'floor'));
  // an hour in: one hour at the plain pace
  const later = pacing(config, p('1000'), start + HOUR_MS, anchor);
  assert.equal(later.expected, fx.divInt(p('40000') * BigInt(HOUR_MS), BigInt(ALL_DAY_MS), 'floor'));
  assert.equal(later.deficit, later.expected - p('1000'));
  // the day ends on schedule at target × the active time left at the start (5 h 29 min of 23 h 59 min)
  const left = 5 * HOUR_MS + 29 * 60_000;
  const goal = fx.divInt(p('40000') * BigInt(left), BigInt(ALL_DAY_MS), 'floor');
  assert.equal(s.goal, goal);
  assert.equal(pacing(config, p('9000'), utc(2024, 0, 15, 23, 59), anchor).expected, goal);
  // with the plain line the bot is behind by three quarters of the target; with the anchor it is not
  assert.ok(plain.deficit > p('30000'));
});

test('resumed mid-day: the schedule continues from what was traded; the target is the ceiling', () => {
  const config = volume({ dailyTargetQuote: '12000', windows: [{ start: '08:00', end: '20:00' }] });
  // paused at 11:00 with 3000 traded, resumed at 14:00: from 3000 at 1000 an hour
  const anchor = { at: utc(2024, 0, 15, 14), traded: p('3000') };
  assert.equal(pacing(config, p('3000'), utc(2024, 0, 15, 14), anchor).expected, p('3000'));
  const s = pacing(config, p('4000'), utc(2024, 0, 15, 16), anchor);
  assert.deepEqual([s.expected, s.deficit, s.goal], [p('5000'), p('1000'), p('9000')]);
  // ahead of the target at the resume: expected and goal stay at the target
  const rich = { at: utc(2024, 0, 15, 14), traded: p('11500') };
  assert.deepEqual([pacing(config, p('11500'), utc(2024, 0, 15, 19), rich).expected, pacing(config, p('11500'), utc(2024, 0, 15, 19), rich).goal], [p('12000'), p('12000')]);
  // started before the window opened: the plain line, to the full target
  const early = { at: utc(2024, 0, 15, 6), traded: 0n };
  assert.deepEqual([pacing(config, 0n, utc(2024, 0, 15, 14), early).expected, pacing(config, 0n, utc(2024, 0, 15, 14), early).goal], [p('6000'), p('12000')]);
  // an anchor from yesterday does not apply: today runs from its start
  const yesterday = { at: utc(2024, 0, 14, 18), traded: p('500') };
  const today = pacing(config, 0n, utc(2024, 0, 15, 14), yesterday);
  assert.deepEqual([today.scheduleStart, today.expected, today.goal], [utc(2024, 0, 15), p('6000'), p('12000')]);
});

test('the catch-up bound: catchUpMultiple × the plain hourly pace, at most the hourly cap', () => {
  // 12000 over 12 active hours: 1000 an hour plain
  const base = { dailyTargetQuote: '12000', windows: [{ start: '08:00', end: '20:00' }] };
  const at = utc(2024, 0, 15, 14);
  assert.equal(pacing(volume(base), 0n, at).maxPerHour, p('2000'));
  assert.equal(pacing(volume({ ...base, catchUpMultiple: 1.5 }), 0n, at).maxPerHour, p('1500'));
  assert.equal(pacing(volume({ ...base, maxNotionalPerHourQuote: '1200' }), 0n, at).maxPerHour, p('1200'));
  assert.equal(pacing(volume({ ...base, maxNotionalPerHourQuote: '5000' }), 0n, at).maxPerHour, p('2000'));
});

test('catchUpMultiple: default 2, at least 1 and at most 10, with a clear message', () => {
  assert.equal(volumeSchema.parse({}).catchUpMultiple, 2);
  const low = volumeSchema.safeParse({ catchUpMultiple: 0.5 });
  assert.equal(low.success, false);
  assert.match(JSON.stringify(low.error?.issues), /catchUpMultiple.*must be at least 1/s);
  assert.equal(volumeSchema.safeParse({ catchUpMultiple: 11 }).success, false);
  assert.equal(volumeSchema.safeParse({ catchUpMultiple: 1 }).success, true);
  assert.ok(String(volumeSchema.shape.catchUpMultiple.meta()?.description).includes('plain hourly pace'), 'help text like the other fields');
});
