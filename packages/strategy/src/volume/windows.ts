// Active windows as instants. A window belongs to the day it starts on (its `days`); one whose
// end is before its start runs past midnight into the next day. For pacing, each calendar day
// counts the active time that falls inside it, whichever day the window started on.
import type { VolumeConfig } from '@mm/core';
import { DAY_MS, MINUTE_MS, localDate, wallToInstant } from '@mm/core';

export interface Interval {
  readonly start: number;
  readonly end: number;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Occurrences of the windows that start on the local date `date` (a wall midnight). */
export function occurrencesOn(config: VolumeConfig, date: number): Interval[] {
  const weekday = new Date(date).getUTCDay();
  const out: Interval[] = [];
  for (const w of config.windows) {
    if (!w.days.includes(weekday)) continue;
    const start = minutes(w.start);
    let end = minutes(w.end);
    if (end <= start) end += 24 * 60;
    const from = wallToInstant(date + start * MINUTE_MS, config.timezone);
    const to = wallToInstant(date + end * MINUTE_MS, config.timezone);
    if (to > from) out.push({ start: from, end: to });
  }
  return out;
}

/** Sorted, non-overlapping union of intervals. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && i.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, i.end) };
    else out.push(i);
  }
  return out;
}

/** Active intervals inside the trading day [day.start, day.end) containing `now`. */
export function activeIntervals(config: VolumeConfig, now: number, day: Interval): Interval[] {
  const date = localDate(now, config.timezone);
  const raw = [...occurrencesOn(config, date - DAY_MS), ...occurrencesOn(config, date)];
  const clipped = raw.map((i) => ({ start: Math.max(i.start, day.start), end: Math.min(i.end, day.end) })).filter((i) => i.end > i.start);
  return merge(clipped);
}

/** The next window start strictly after `now`, looking a week ahead; undefined if none. */
export function nextWindowStart(config: VolumeConfig, now: number): number | undefined {
  const date = localDate(now, config.timezone);
  let next: number | undefined;
  for (let k = 0; k <= 8 && next === undefined; k++) {
    for (const o of occurrencesOn(config, date + k * DAY_MS)) {
      if (o.start > now && (next === undefined || o.start < next)) next = o.start;
    }
  }
  return next;
}

/** Length of the part of the intervals in [from, to). */
export function overlapMs(intervals: readonly Interval[], from: number, to: number): number {
  let total = 0;
  for (const i of intervals) total += Math.max(0, Math.min(i.end, to) - Math.max(i.start, from));
  return total;
}
