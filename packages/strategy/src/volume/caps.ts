// The volume leg's hard limits, checked before every trade it makes. Each returns the reason the
// leg must stand still, or undefined when it may trade.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import type { PacingState, VolumeInput } from '../types.ts';

/**
 * What this clock hour still allows: the catch-up bound (catchUpMultiple × the plain hourly pace),
 * or the hourly cap when that is lower. The leg never trades faster than that, however far behind.
 */
export function hourRoom(input: VolumeInput, state: PacingState): Fixed {
  return state.maxPerHour - input.progress.volumeLegThisHour;
}

/** Remaining volume of today's schedule (≤ 0 when reached): up to the goal, the target unless started mid-day. */
export function remainingTarget(input: VolumeInput, state: PacingState): Fixed {
  return state.goal - input.progress.tradedToday;
}

/**
 * Why the leg may not trade now, if it may not. `smallestTrade` is the least the next trade will
 * be worth: the hourly cap must have at least that much room.
 */
export function blockedBy(input: VolumeInput, state: PacingState, smallestTrade: Fixed): string | undefined {
  const { config, progress } = input;
  if (!config.enabled) return 'volume leg disabled';
  if (!state.active) return 'outside the active windows';
  if (progress.tradedToday >= fx.parse(config.dailyTargetQuote)) return 'daily target reached';
  if (remainingTarget(input, state) <= 0n) return `today's share of the target reached (${fx.format(state.goal, { decimals: 2 })}: the bot started mid-day)`;
  const feeCap = fx.parse(config.maxFeesPerDayQuote);
  if (feeCap > 0n && progress.feesToday >= feeCap) return `fee cap reached (${fx.format(progress.feesToday)} of ${config.maxFeesPerDayQuote} today)`;
  const lossCap = fx.parse(config.maxLossPerDayQuote);
  if (lossCap > 0n && progress.volumeLegLossToday >= lossCap) return `loss cap reached (${fx.format(progress.volumeLegLossToday)} of ${config.maxLossPerDayQuote} today)`;
  const room = hourRoom(input, state);
  if (room <= 0n || room < smallestTrade) {
    const cap = fx.parse(config.maxNotionalPerHourQuote);
    const bound = fx.format(state.maxPerHour, { decimals: 2 });
    return cap > 0n && cap <= state.maxPerHour
      ? `hourly cap reached (${fx.format(progress.volumeLegThisHour)} of ${config.maxNotionalPerHourQuote} this hour)`
      : `hourly catch-up bound reached (${fx.format(progress.volumeLegThisHour, { decimals: 2 })} of ${bound} this hour: ${config.catchUpMultiple} × the plain pace)`;
  }
  return undefined;
}
