// The volume leg's hard limits, checked before every trade it makes. Each returns the reason the
// leg must stand still, or undefined when it may trade.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import type { PacingState, VolumeInput } from '../types.ts';

/** What the hourly cap still allows this hour; undefined when there is no cap. */
export function hourRoom(input: VolumeInput): Fixed | undefined {
  const cap = fx.parse(input.config.maxNotionalPerHourQuote);
  return cap > 0n ? cap - input.progress.volumeLegThisHour : undefined;
}

/** Remaining daily target (≤ 0 when reached). */
export function remainingTarget(input: VolumeInput): Fixed {
  return fx.parse(input.config.dailyTargetQuote) - input.progress.tradedToday;
}

/**
 * Why the leg may not trade now, if it may not. `smallestTrade` is the least the next trade will
 * be worth: the hourly cap must have at least that much room.
 */
export function blockedBy(input: VolumeInput, state: PacingState, smallestTrade: Fixed): string | undefined {
  const { config, progress } = input;
  if (!config.enabled) return 'volume leg disabled';
  if (!state.active) return 'outside the active windows';
  if (remainingTarget(input) <= 0n) return 'daily target reached';
  const feeCap = fx.parse(config.maxFeesPerDayQuote);
  if (feeCap > 0n && progress.feesToday >= feeCap) return `fee cap reached (${fx.format(progress.feesToday)} of ${config.maxFeesPerDayQuote} today)`;
  const lossCap = fx.parse(config.maxLossPerDayQuote);
  if (lossCap > 0n && progress.volumeLegLossToday >= lossCap) return `loss cap reached (${fx.format(progress.volumeLegLossToday)} of ${config.maxLossPerDayQuote} today)`;
  const room = hourRoom(input);
  if (room !== undefined && (room <= 0n || room < smallestTrade)) return `hourly cap reached (${fx.format(progress.volumeLegThisHour)} of ${config.maxNotionalPerHourQuote} this hour)`;
  return undefined;
}
