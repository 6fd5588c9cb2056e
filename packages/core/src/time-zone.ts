// Wall-clock time in a named time zone, with nothing but Intl. A "wall" value is the local
// date and time written as if it were UTC epoch ms (so day arithmetic on it is plain integer
// arithmetic); converting back to an instant handles DST: a wall time that occurs twice (autumn)
// maps to its first occurrence, one that does not exist (spring gap) to the end of the gap.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall time at instant `t` in `timeZone`. */
export function wallClock(t: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const ms = ((t % 1000) + 1000) % 1000;
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) + ms;
}

// Window starts and day boundaries are asked for again and again (every event, every fill in a
// backtest); the answer depends only on the zone and the wall time, so it is remembered.
const instants = new Map<string, number>();
const MAX_REMEMBERED = 10_000;

/** The earliest instant whose local wall time in `timeZone` is `wall`, or the end of a DST gap. */
export function wallToInstant(wall: number, timeZone: string): number {
  const key = `${timeZone}|${wall}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const instant = resolveWall(wall, timeZone);
  if (instants.size >= MAX_REMEMBERED) instants.clear();
  instants.set(key, instant);
  return instant;
}

function resolveWall(wall: number, timeZone: string): number {
  // offsets a day either side bracket any single transition near this wall time
  const before = wall - (wallClock(wall - DAY_MS, timeZone) - (wall - DAY_MS));
  const after = wall - (wallClock(wall + DAY_MS, timeZone) - (wall + DAY_MS));
  const valid = [before, after].filter((t) => wallClock(t, timeZone) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // in a gap: the first instant whose wall time is at or past `wall` (the transition itself)
  let lo = Math.min(before, after);
  let hi = Math.max(before, after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Local midnight (as a wall value) of the calendar day containing instant `t`. */
export function localDate(t: number, timeZone: string): number {
  return Math.floor(wallClock(t, timeZone) / DAY_MS) * DAY_MS;
}

export interface TradingDay {
  readonly start: number;
  readonly end: number;
}

/** The local calendar day containing `now`, as epoch ms [start, end): 23 h or 25 h on DST days. */
export function tradingDay(now: number, timeZone: string): TradingDay {
  const date = localDate(now, timeZone);
  return { start: wallToInstant(date, timeZone), end: wallToInstant(date + DAY_MS, timeZone) };
}
