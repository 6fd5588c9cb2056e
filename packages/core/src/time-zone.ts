// Wall-clock time in a named time zone, with nothing but Intl. A "wall" value is the local
// date and time written as if it were UTC epoch ms (so day arithmetic on it is plain integer
// arithmetic); converting back to an instant handles DST: a wall time that occurs twice (autumn)
// maps to its first occurrence, one that does not exist (spring gap) to the end of the gap.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Entries kept by each of the caches below before it starts afresh. */
const MAX_REMEMBERED = 10_000;

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

/** The local wall time at instant `t` in `timeZone`, as Intl formats it (slow: it allocates). */
function formattedWall(t: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const ms = ((t % 1000) + 1000) % 1000;
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) + ms;
}

// The engine asks for wall times on every event (a backtest: millions of times), and Intl's
// formatting dominated its profile. A zone's UTC offset is a whole number of seconds that changes
// a few times a year, so it is remembered per quarter hour of UTC: a quarter whose first and last
// millisecond have the same offset has it throughout (no zone changes offset twice within 15
// minutes); one with a change inside it is formatted exactly every time.
const OFFSET_BUCKET_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

function offsetBucket(timeZone: string, bucket: number): number {
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  let offset = zone.get(bucket);
  if (offset === undefined) {
    const last = bucket + OFFSET_BUCKET_MS - 1;
    const first = formattedWall(bucket, timeZone) - bucket;
    offset = first === formattedWall(last, timeZone) - last ? first : Number.NaN;
    if (zone.size >= MAX_REMEMBERED) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/** The local wall time at instant `t` in `timeZone`. */
export function wallClock(t: number, timeZone: string): number {
  const offset = offsetBucket(timeZone, Math.floor(t / OFFSET_BUCKET_MS) * OFFSET_BUCKET_MS);
  return Number.isNaN(offset) ? formattedWall(t, timeZone) : t + offset;
}

// Window starts and day boundaries are asked for again and again (every event, every fill in a
// backtest); the answer depends only on the zone and the wall time, so it is remembered.
const instants = new Map<string, number>();

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
