// When the next volume trade event happens: a seeded Poisson process over ACTIVE time whose rate
// is what the rest of today's schedule needs (its goal minus what is traded, over the remaining
// active time, in mean-size trades), boosted up to 3× while behind schedule (fully once an hour's
// worth behind), and never above the
// catch-up bound (catchUpMultiple × the plain hourly pace, at most the hourly cap). Random gaps
// make the flow look organic; the rate keeps it on pace.
import { HOUR_MS, fx, tradingDay } from '@mm/core';
import type { Fixed, Rng, VolumeConfig } from '@mm/core';
import type { PacingState } from '../types.ts';
import { activeIntervals, nextWindowStart } from './windows.ts';

/** Shortest gap between two events: keeps a far-behind schedule from hammering the venue. */
export const MIN_EVENT_DELAY_MS = 1_000;
/** Most the rate is raised while behind (the catch-up bound may hold it lower). */
export const MAX_BOOST = 3;

export function nextEventDelayMs(config: VolumeConfig, state: PacingState, tradedToday: Fixed, now: number, rng: Rng): number {
  if (!config.enabled || fx.parse(config.dailyTargetQuote) - tradedToday <= 0n) return Number.POSITIVE_INFINITY;
  const day = tradingDay(now, config.timezone);
  const intervals = activeIntervals(config, now, day).filter((i) => i.end > now);
  const remainingActiveMs = intervals.reduce((sum, i) => sum + i.end - Math.max(i.start, now), 0);
  if (!state.active || remainingActiveMs <= 0) return untilNextWindow(config, now, now);
  // today's schedule is done (a bot started mid-day reached its goal): wait for tomorrow
  const remaining = state.goal - tradedToday;
  if (remaining <= 0n) return untilTomorrow(config, intervals, day.end, now);

  const remainingQuote = fx.toNumber(remaining);
  const meanTrade = Math.min(fx.toNumber(fx.parse(config.minTradeQuote) + fx.parse(config.maxTradeQuote)) / 2, remainingQuote);
  const eventsNeeded = Math.max(1, remainingQuote / meanTrade);
  // behind by an hour of what is left to do = full boost: the schedule catches up within the
  // hour instead of carrying a deficit until the evening (measured against the remaining amount,
  // an early deficit hardly raised the rate at all)
  const hourNeed = (remainingQuote * HOUR_MS) / remainingActiveMs;
  const behind = Math.min(1, Math.max(0, fx.toNumber(state.deficit) / Math.min(hourNeed, remainingQuote)));
  // the catch-up bound, in events per ms at the mean trade size
  const bound = fx.toNumber(state.maxPerHour) / HOUR_MS / meanTrade;
  const rate = Math.min((eventsNeeded / remainingActiveMs) * (1 + (MAX_BOOST - 1) * behind), bound);
  if (!(rate > 0)) return untilTomorrow(config, intervals, day.end, now);
  let activeDelay = rng.exponential(rate);

  // walk the active time forward: a gap between windows does not count
  for (const i of intervals) {
    const from = Math.max(i.start, now);
    const span = i.end - from;
    if (activeDelay <= span) return Math.max(MIN_EVENT_DELAY_MS, Math.round(from + activeDelay - now));
    activeDelay -= span;
  }
  // The draw ran past today's active time: nothing more today.
  return untilTomorrow(config, intervals, day.end, now);
}

/** Wake when tomorrow's active time begins (at midnight if a window runs through it), where tomorrow's target sets a new rate. */
function untilTomorrow(config: VolumeConfig, intervals: readonly { end: number }[], dayEnd: number, now: number): number {
  if (intervals.some((i) => i.end >= dayEnd)) return Math.max(MIN_EVENT_DELAY_MS, dayEnd - now);
  return untilNextWindow(config, now, dayEnd - 1);
}

/** Time from `now` until the first window start after `after`. */
function untilNextWindow(config: VolumeConfig, now: number, after: number): number {
  const start = nextWindowStart(config, after);
  if (start === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(MIN_EVENT_DELAY_MS, start - now);
}
