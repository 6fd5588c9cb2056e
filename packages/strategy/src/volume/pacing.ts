// Where the day's volume should be by now: the target spread evenly over the day's active time.
// expected = target × active time elapsed today / active time in the whole day.
import { fx, tradingDay } from '@mm/core';
import type { Fixed, VolumeConfig } from '@mm/core';
import type { PacingState } from '../types.ts';
import { activeIntervals, overlapMs } from './windows.ts';

export function pacing(config: VolumeConfig, tradedToday: Fixed, now: number): PacingState {
  const day = tradingDay(now, config.timezone);
  const intervals = activeIntervals(config, now, day);
  const activeTotalMs = overlapMs(intervals, day.start, day.end);
  const activeElapsedMs = overlapMs(intervals, day.start, now);
  const active = intervals.some((i) => i.start <= now && now < i.end);
  const target = fx.parse(config.dailyTargetQuote);
  const expected = activeTotalMs > 0 ? fx.divInt(target * BigInt(Math.floor(activeElapsedMs)), BigInt(Math.ceil(activeTotalMs)), 'floor') : 0n;
  return { active, activeElapsedMs, activeTotalMs, expected, deficit: expected - tradedToday, dayStart: day.start };
}
