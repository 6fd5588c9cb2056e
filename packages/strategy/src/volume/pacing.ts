// Where the day's volume should be by now.
//
// The schedule starts where the bot started (or resumed) in the day, its anchor: from there it
// runs at the plain pace, target ÷ the day's active time, so
//   expected = traded at the anchor + target × active time since the anchor / active time of the day
// (never above the target), and the day ends on schedule at
//   goal = traded at the anchor + target × active time left at the anchor / active time of the day.
// A bot running since the day began (or with no anchor, or an anchor on an earlier day) has the
// plain line: expected = target × active elapsed / active total.
//
// Why an anchored line rather than only capping the deficit-driven rate: with the full-day line a
// bot started at 18:30 is "behind" by three quarters of the target at once. Capping the rate
// would keep it from bursting, but the dashboard would still show that bogus deficit all evening,
// and the MIXED taker (which takes whenever behind) and the boost would fire on every event. With
// the anchored line the deficit means "behind since I started": the time the bot was not running
// is not owed. The rate bound (catchUpMultiple × plain pace, and the hourly cap) stays as the hard
// limit for real catching up, e.g. after a stretch of thin book: see `maxPerHour`.
import { HOUR_MS, fx, tradingDay } from '@mm/core';
import type { Fixed, VolumeConfig } from '@mm/core';
import type { PacingAnchor, PacingState } from '../types.ts';
import { activeIntervals, overlapMs } from './windows.ts';

export function pacing(config: VolumeConfig, tradedToday: Fixed, now: number, anchor?: PacingAnchor): PacingState {
  const day = tradingDay(now, config.timezone);
  const intervals = activeIntervals(config, now, day);
  const activeTotalMs = overlapMs(intervals, day.start, day.end);
  const activeElapsedMs = overlapMs(intervals, day.start, now);
  const active = intervals.some((i) => i.start <= now && now < i.end);
  const target = fx.parse(config.dailyTargetQuote);
  // an anchor from an earlier trading day (or a future one) does not apply: today runs from its start
  const anchored = anchor !== undefined && anchor.at >= day.start && anchor.at <= now;
  const scheduleStart = anchored ? anchor.at : day.start;
  const base = anchored ? anchor.traded : 0n;
  const sinceStartMs = overlapMs(intervals, scheduleStart, now);
  const leftAtStartMs = overlapMs(intervals, scheduleStart, day.end);
  const share = (ms: number): Fixed => (activeTotalMs > 0 ? fx.divInt(target * BigInt(Math.floor(ms)), BigInt(Math.ceil(activeTotalMs)), 'floor') : 0n);
  const expected = fx.min(target, base + share(sinceStartMs));
  const goal = fx.min(target, base + share(leftAtStartMs));
  const plainPerHour = activeTotalMs > 0 ? fx.divInt(target * BigInt(HOUR_MS), BigInt(Math.ceil(activeTotalMs)), 'floor') : 0n;
  const catchUp = fx.mul(plainPerHour, fx.parse(String(config.catchUpMultiple ?? 2)), 'floor');
  const cap = fx.parse(config.maxNotionalPerHourQuote);
  const maxPerHour = cap > 0n ? fx.min(cap, catchUp) : catchUp;
  return { active, activeElapsedMs, activeTotalMs, expected, deficit: expected - tradedToday, dayStart: day.start, scheduleStart, goal, plainPerHour, maxPerHour };
}
