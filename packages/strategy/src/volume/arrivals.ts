// When the next volume trade event happens: a seeded Poisson process over ACTIVE time whose rate
// is what the rest of the day needs (remaining target / mean trade size over the remaining active
// time), boosted up to 3× while behind schedule. Random gaps make the flow look organic; the rate
// keeps it on pace.
import { fx, tradingDay } from '@mm/core';
import type { Fixed, Rng, VolumeConfig } from '@mm/core';
import type { PacingState } from '../types.ts';
import { activeIntervals, nextWindowStart } from './windows.ts';

/** Shortest gap between two events: keeps a far-behind schedule from hammering the venue. */
export const MIN_EVENT_DELAY_MS = 1_000;
/** Most the rate is raised while behind. */
export const MAX_BOOST = 3;

export function nextEventDelayMs(config: VolumeConfig, state: PacingState, tradedToday: Fixed, now: number, rng: Rng): number {
  const remaining = fx.parse(config.dailyTargetQuote) - tradedToday;
  if (!config.enabled || remaining <= 0n) return Number.POSITIVE_INFINITY;
  const day = tradingDay(now, config.timezone);
  const intervals = activeIntervals(config, now, day).filter((i) => i.end > now);
  const remainingActiveMs = intervals.reduce((sum, i) => sum + i.end - Math.max(i.start, now), 0);
  if (!state.active || remainingActiveMs <= 0) return untilNextWindow(config, now, now);

  const remainingQuote = fx.toNumber(remaining);
  const meanTrade = Math.min(fx.toNumber(fx.parse(config.minTradeQuote) + fx.parse(config.maxTradeQuote)) / 2, remainingQuote);
  const eventsNeeded = Math.max(1, remainingQuote / meanTrade);
  // behind by the whole remaining amount (the end of the day) = full boost
  const behind = Math.min(1, Math.max(0, fx.toNumber(state.deficit) / remainingQuote));
  const rate = (eventsNeeded / remainingActiveMs) * (1 + (MAX_BOOST - 1) * behind);
  let activeDelay = rng.exponential(rate);

  // walk the active time forward: a gap between windows does not count
  for (const i of intervals) {
    const from = Math.max(i.start, now);
    const span = i.end - from;
    if (activeDelay <= span) return Math.max(MIN_EVENT_DELAY_MS, Math.round(from + activeDelay - now));
    activeDelay -= span;
  }
  // The draw ran past today's active time: nothing more today. Wake when tomorrow's active time
  // begins (at midnight if a window runs through it), where tomorrow's target sets a new rate.
  if (intervals.some((i) => i.end >= day.end)) return Math.max(MIN_EVENT_DELAY_MS, day.end - now);
  return untilNextWindow(config, now, day.end - 1);
}

/** Time from `now` until the first window start after `after`. */
function untilNextWindow(config: VolumeConfig, now: number, after: number): number {
  const start = nextWindowStart(config, after);
  if (start === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(MIN_EVENT_DELAY_MS, start - now);
}
