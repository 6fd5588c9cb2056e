// Axis ticks a person can read: values on 1/2/5 × 10^k steps, times on whole minutes, hours or
// days (UTC). Labels are plain strings, formatted without the host's locale so a report renders
// the same everywhere.

export interface Tick {
  readonly value: number;
  /** One or two lines (a time tick at midnight also names the date). */
  readonly label: readonly string[];
}

export interface Ticks {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly Tick[];
}

/** The 1/2/5 × 10^k step that cuts `range` into about `count` parts. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0)) return 1;
  const raw = range / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function decimalsOf(step: number): number {
  return Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
}

/** `value` with `decimals` places and thousands separated by commas (no locale). */
export function formatNumber(value: number, decimals: number): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Ticks covering [lo, hi] (widened to whole steps); a flat series gets a small range around it. */
export function valueTicks(lo: number, hi: number, count = 5): Ticks {
  let a = lo;
  let b = hi;
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    a = 0;
    b = 1;
  }
  if (a === b && a === 0) b = 1;
  else if (a === b) {
    const pad = Math.abs(a) * 0.01;
    a -= pad;
    b += pad;
  }
  const step = niceStep(b - a, count);
  const min = Math.floor(a / step + 1e-9) * step;
  const max = Math.ceil(b / step - 1e-9) * step;
  const decimals = decimalsOf(step);
  const ticks: Tick[] = [];
  for (let i = 0; min + i * step <= max + step / 2; i++) {
    const value = min + i * step;
    ticks.push({ value, label: [formatNumber(Math.abs(value) < step / 1e6 ? 0 : value, decimals)] });
  }
  return { min, max, ticks };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];

const pad2 = (n: number) => String(n).padStart(2, '0');
const hhmm = (d: Date) => `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
const mmdd = (d: Date) => `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;

/** Time ticks over [from, to] (epoch ms, UTC): HH:MM, with the date under midnight and under the first tick. */
export function timeTicks(from: number, to: number, count = 8): Ticks {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= count) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: Tick[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const d = new Date(t);
    const midnight = t % DAY === 0;
    const label = step >= DAY ? [mmdd(d)] : midnight || ticks.length === 0 ? [hhmm(d), mmdd(d)] : [hhmm(d)];
    ticks.push({ value: t, label });
  }
  return { min: from, max: to, ticks };
}
