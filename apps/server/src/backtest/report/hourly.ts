// Volume per clock hour against the target's pace. The pace of an hour is the plain line of the
// volume scheduler: the daily target spread over the day's active time, so an hour fully inside
// a window gets target ÷ active hours and an hour outside every window gets nothing.
import { HOUR_MS, fx } from '@mm/core';
import type { Fixed, VolumeConfig } from '@mm/core';
import { pacing } from '@mm/strategy';
import type { FillRecord, HourlyVolume } from '../types.ts';

const MINUTE_MS = 60_000;

/**
 * The target's plain pace for the clock hour starting at `hourStart` (windows are whole minutes),
 * counting only the minutes inside the backtest's period [from, to): a run that starts at 15:39
 * owes 21 minutes of pace in its first hour, not 60.
 */
export function targetPace(volume: VolumeConfig, hourStart: number, from = hourStart, to = hourStart + HOUR_MS): Fixed {
  if (!volume.enabled) return 0n;
  let perHourMinutes = 0n;
  for (let t = hourStart; t < hourStart + HOUR_MS; t += MINUTE_MS) {
    if (t < from || t >= to) continue;
    const p = pacing(volume, 0n, t);
    if (p.active) perHourMinutes += p.plainPerHour;
  }
  return perHourMinutes / 60n;
}

/** Every clock hour from `start` to `end`, and any later hour with fills. */
export function hourlyVolume(fills: readonly FillRecord[], volume: VolumeConfig, start: number, end: number): HourlyVolume[] {
  const hours = new Map<number, { total: Fixed; volumeLeg: Fixed }>();
  const first = Math.floor(start / HOUR_MS) * HOUR_MS;
  for (let h = first; h < end; h += HOUR_MS) hours.set(h, { total: 0n, volumeLeg: 0n });
  for (const f of fills) {
    const h = Math.floor(f.t / HOUR_MS) * HOUR_MS;
    const bucket = hours.get(h) ?? { total: 0n, volumeLeg: 0n };
    const n = fx.parse(f.notional);
    bucket.total += n;
    if (f.tag === 'volume') bucket.volumeLeg += n;
    hours.set(h, bucket);
  }
  const money = (v: Fixed) => fx.format(v, { decimals: 2 });
  return [...hours.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([h, v]) => ({ hourStart: new Date(h).toISOString(), total: money(v.total), volumeLeg: money(v.volumeLeg), targetPace: money(targetPace(volume, h, Math.ceil(start / MINUTE_MS) * MINUTE_MS, end)) }));
}

/** Volume ÷ the pace of the hours before `end`, in % (0 without a pace). */
export function paceHitPct(total: Fixed, hours: readonly HourlyVolume[], end: number): number {
  const pace = hours.filter((h) => Date.parse(h.hourStart) < end).reduce((sum, h) => sum + fx.parse(h.targetPace), 0n);
  return pace === 0n ? 0 : Math.round(fx.toNumber(fx.div(total * 10_000n, pace))) / 100;
}
