// Wall-clock hours in an IANA time zone, from epoch milliseconds, with only Intl (no tz
// library). The daily summary needs "the next 20:00 in Europe/Berlin", across DST changes.

interface ZonedParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

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

export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return { year: out['year']!, month: out['month']!, day: out['day']!, hour: out['hour']! % 24, minute: out['minute']!, second: out['second']! };
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function offsetMs(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The instant a wall clock in `timeZone` shows y-m-d h:00. Two passes settle the offset next to
 * a DST change; an hour skipped by DST resolves to the first instant after the gap.
 */
export function zonedHourToEpoch(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  let t = wall - offsetMs(wall, timeZone);
  t = wall - offsetMs(t, timeZone);
  return t;
}

/** The first instant after `now` at which the local time is `hour`:00. */
export function nextLocalHour(now: number, hour: number, timeZone: string): number {
  const today = zonedParts(now, timeZone);
  for (let days = 0; days < 3; days++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
    const at = zonedHourToEpoch(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, timeZone);
    if (at > now) return at;
  }
  // unreachable for real zones; a day later is the safe answer
  return now + 86_400_000;
}

/** "2026-03-29": the local date a summary is about. */
export function localDate(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
