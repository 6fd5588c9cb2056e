import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, tradingDay, wallClock, wallToInstant } from './time-zone.ts';

const utc = Date.UTC;

test('a UTC day is midnight to midnight', () => {
  assert.deepEqual(tradingDay(utc(2024, 0, 15, 12, 34), 'UTC'), { start: utc(2024, 0, 15), end: utc(2024, 0, 16) });
  assert.deepEqual(tradingDay(utc(2024, 0, 15), 'UTC'), { start: utc(2024, 0, 15), end: utc(2024, 0, 16) });
});

test('Europe/Berlin: an ordinary day starts at 23:00 UTC the evening before (CET = UTC+1)', () => {
  const day = tradingDay(utc(2024, 0, 15, 12), 'Europe/Berlin');
  assert.deepEqual(day, { start: utc(2024, 0, 14, 23), end: utc(2024, 0, 15, 23) });
  // 22:59:59 UTC on the 14th is 23:59:59 local on the 14th: the day before
  assert.equal(tradingDay(utc(2024, 0, 14, 22, 59, 59), 'Europe/Berlin').end, utc(2024, 0, 14, 23));
});

test('Europe/Berlin DST: 31 March 2024 has 23 hours, 27 October 2024 has 25', () => {
  // CET (UTC+1) until 02:00 local on 31 March, then CEST (UTC+2)
  const spring = tradingDay(utc(2024, 2, 31, 12), 'Europe/Berlin');
  assert.deepEqual(spring, { start: utc(2024, 2, 30, 23), end: utc(2024, 2, 31, 22) });
  assert.equal(spring.end - spring.start, 23 * HOUR_MS);
  // CEST until 03:00 local on 27 October, then CET
  const autumn = tradingDay(utc(2024, 9, 27, 12), 'Europe/Berlin');
  assert.deepEqual(autumn, { start: utc(2024, 9, 26, 22), end: utc(2024, 9, 27, 23) });
  assert.equal(autumn.end - autumn.start, 25 * HOUR_MS);
});

test('wall times across DST: the gap maps to its end, the repeated hour to its first occurrence', () => {
  // 02:30 on 31 March does not exist in Berlin: the clock jumps from 02:00 CET to 03:00 CEST (01:00 UTC)
  assert.equal(wallToInstant(utc(2024, 2, 31, 2, 30), 'Europe/Berlin'), utc(2024, 2, 31, 1));
  // 02:30 on 27 October happens twice: first at 00:30 UTC (CEST), then at 01:30 UTC (CET)
  assert.equal(wallToInstant(utc(2024, 9, 27, 2, 30), 'Europe/Berlin'), utc(2024, 9, 27, 0, 30));
  assert.equal(wallClock(utc(2024, 9, 27, 1, 30), 'Europe/Berlin'), utc(2024, 9, 27, 2, 30));
  // other zones, other offsets: New York is UTC−5 in January
  assert.equal(wallToInstant(utc(2024, 0, 15, 9, 30), 'America/New_York'), utc(2024, 0, 15, 14, 30));
  assert.equal(wallToInstant(utc(2024, 0, 15, 9, 30), 'Asia/Kolkata'), utc(2024, 0, 15, 4));
});
