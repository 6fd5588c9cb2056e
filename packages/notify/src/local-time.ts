// The daily summary needs "the next 20:00 in Europe/Berlin", across DST changes; the wall-clock
// arithmetic itself lives in @mm/core (the volume schedule uses the same).
import { DAY_MS, HOUR_MS, localDate as localMidnight, wallClock, wallToInstant } from '@mm/core';

/** The first instant after `now` at which the local time is `hour`:00 (a DST-skipped hour: the end of the gap). */
export function nextLocalHour(now: number, hour: number, timeZone: string): number {
  const today = localMidnight(now, timeZone);
  for (let days = 0; days < 3; days++) {
    const at = wallToInstant(today + days * DAY_MS + hour * HOUR_MS, timeZone);
    if (at > now) return at;
  }
  // unreachable for real zones; a day later is the safe answer
  return now + DAY_MS;
}

/** "2026-03-29": the local date a summary is about. */
export function localDate(epochMs: number, timeZone: string): string {
  return new Date(wallClock(epochMs, timeZone)).toISOString().slice(0, 10);
}
