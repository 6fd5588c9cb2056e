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

/** Intl's wall time, formatted afresh every call: what wallClock's remembered offsets must equal. */
function formatted(t: number, timeZone: string): number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const p = Object.fromEntries(f.formatToParts(t).filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
  return utc(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (((t % 1000) + 1000) % 1000);
}

test('wallClock equals Intl at every instant, around odd transitions too (half hours, 45 minutes, local mean time)', () => {
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Europe/Dublin', 'Africa/Monrovia', 'Europe/Paris'];
  // a transition of each kind, probed a millisecond and a second either side
  const transitions = [
    utc(2024, 2, 31, 1), // Berlin: CET → CEST at 01:00 UTC
    utc(2024, 3, 6, 15), // Lord Howe: +11 → +10:30 (a half-hour change)
    utc(1985, 11, 31, 18, 30), // Kathmandu: +5:30 → +5:45
    // changes off the quarter hour, from offsets with seconds in them (local mean times)
    utc(1916, 9, 1, 2, 25, 21), // Dublin: +0:34:39 → GMT
    utc(1972, 0, 7, 0, 44, 30), // Monrovia: −0:44:30 → GMT
    utc(1911, 2, 10, 23, 50, 39), // Paris: +0:09:21 → GMT
  ];
  const probes: number[] = [];
  for (const t of transitions) for (const d of [-1_000, -1, 0, 1, 1_000, 7 * 60_000]) probes.push(t + d);
  let x = 12345;
  for (let i = 0; i < 400; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    probes.push(utc(1930, 0, 1) + Math.floor((x / 2147483648) * (utc(2040, 0, 1) - utc(1930, 0, 1))));
  }
  for (const zone of zones) for (const t of probes) assert.equal(wallClock(t, zone), formatted(t, zone), `${zone} at ${new Date(t).toISOString()}`);
});
