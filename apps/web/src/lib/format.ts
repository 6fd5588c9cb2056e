// Display of decimal strings. Amounts from the API are exact decimal strings; they are rounded
// and grouped here with @mm/core's exact fixed-point arithmetic, never through floats.
import { fx } from '@mm/core';

const DASH = '—';

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export interface DecOptions {
  /** Exact decimals (rounded half-up); default: as many as the string is written with. */
  readonly decimals?: number;
  /** Cap on decimals when `decimals` is not set. */
  readonly maxDecimals?: number;
  /** Prefix + for positive values. */
  readonly sign?: boolean;
  /** Thousands separators (default true). */
  readonly grouping?: boolean;
}

/** Formats a decimal string (or Fixed) for display. Undefined or unparsable gives a dash. */
export function dec(value: string | bigint | undefined | null, options: DecOptions = {}): string {
  if (value === undefined || value === null || value === '') return DASH;
  const parsed = typeof value === 'bigint' ? value : fx.tryParse(value);
  if (parsed === undefined) return typeof value === 'string' ? value : DASH;
  let decimals = options.decimals;
  // as written by the API ("0.5050" keeps its 4 places), capped by maxDecimals
  const written = typeof value === 'string' && !/e/i.test(value) ? decimalsOf(value.trim()) : fx.decimalsOf(parsed);
  if (decimals === undefined) decimals = options.maxDecimals === undefined ? written : Math.min(written, options.maxDecimals);
  let text = fx.format(parsed, decimals === undefined ? {} : { decimals });
  let sign = '';
  if (text.startsWith('-')) {
    sign = '-';
    text = text.slice(1);
  } else if (options.sign && parsed > 0n) sign = '+';
  const [intPart = '0', frac] = text.split('.');
  const body = (options.grouping ?? true) ? group(intPart) : intPart;
  return sign + (frac === undefined ? body : `${body}.${frac}`);
}

/** Decimals of a tick or lot size ("0.0100" → 2), for aligned prices and quantities; unknown: undefined (as written). */
export function stepDecimals(step: string | undefined): number | undefined {
  if (!step) return undefined;
  const i = step.indexOf('.');
  return i < 0 ? 0 : step.replace(/0+$/, '').length - i - 1;
}

/** Number of decimals a decimal string is written with ("1.2300" → 4). */
export function decimalsOf(value: string | undefined): number {
  if (!value) return 0;
  const i = value.indexOf('.');
  return i < 0 ? 0 : value.length - i - 1;
}

/** Exact mid of two decimal strings, with one more decimal than the inputs only where needed. */
export function mid(bid: string | undefined, ask: string | undefined): string | undefined {
  const b = bid === undefined ? undefined : fx.tryParse(bid);
  const a = ask === undefined ? undefined : fx.tryParse(ask);
  if (b === undefined || a === undefined) return undefined;
  return fx.format((a + b) / 2n);
}

/** Exact sum of decimal strings (unparsable values are skipped). */
export function sum(values: readonly (string | undefined)[]): string {
  let total = 0n;
  for (const v of values) {
    const p = v === undefined ? undefined : fx.tryParse(v);
    if (p !== undefined) total += p;
  }
  return fx.format(total);
}

/** a / b × 100 with `decimals` places, exactly; undefined when b is 0 or missing. */
export function percentOf(a: string | undefined, b: string | undefined, decimals = 1): string | undefined {
  const x = a === undefined ? undefined : fx.tryParse(a);
  const y = b === undefined ? undefined : fx.tryParse(b);
  if (x === undefined || y === undefined || y === 0n) return undefined;
  return fx.format(fx.div(x * 100n, y, 'half-up'), { decimals });
}

/** (price − reference) / reference in %, exactly, signed. */
export function distancePct(price: string, reference: string | undefined, decimals = 3): string | undefined {
  const p = fx.tryParse(price);
  const r = reference === undefined ? undefined : fx.tryParse(reference);
  if (p === undefined || r === undefined || r === 0n) return undefined;
  return fx.format(fx.div((p - r) * 100n, r, 'half-up'), { decimals });
}

export function isPositive(value: string | undefined): boolean {
  const p = value === undefined ? undefined : fx.tryParse(value);
  return p !== undefined && p > 0n;
}

export function compare(a: string, b: string): number {
  const x = fx.tryParse(a) ?? 0n;
  const y = fx.tryParse(b) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, kind: 'time' | 'datetime' | 'hour' | 'date'): Intl.DateTimeFormat {
  const key = `${timeZone}|${kind}`;
  let f = timeFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
        : kind === 'hour'
          ? { hour: '2-digit', hourCycle: 'h23' }
          : kind === 'date'
            ? { year: 'numeric', month: '2-digit', day: '2-digit' }
            : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    try {
      f = new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' });
    }
    timeFormats.set(key, f);
  }
  return f;
}

export function fmtTime(ms: number | undefined, timeZone: string): string {
  return ms === undefined ? DASH : formatter(timeZone, 'time').format(ms);
}

export function fmtDateTime(ms: number | undefined, timeZone: string): string {
  return ms === undefined ? DASH : formatter(timeZone, 'datetime').format(ms).replace(',', '');
}

export function fmtHour(ms: number, timeZone: string): string {
  return formatter(timeZone, 'hour').format(ms);
}

export function fmtAge(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(s / 3600);
  return h < 48 ? `${h}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(h / 24)}d`;
}

/** A span of time in words for ages and holds: "1.2 s", "42 s", "3 m", "5 h 07 m", "3 d". */
export function fmtDuration(ms: number): string {
  const t = Math.max(0, ms);
  if (t < 10_000) return `${(t / 1000).toFixed(1)} s`;
  if (t < 60_000) return `${Math.floor(t / 1000)} s`;
  if (t < 3_600_000) return `${Math.floor(t / 60_000)} m`;
  const h = Math.floor(t / 3_600_000);
  return h < 48 ? `${h} h ${String(Math.floor((t % 3_600_000) / 60_000)).padStart(2, '0')} m` : `${Math.floor(h / 24)} d`;
}

/** Bytes as mebibytes with one decimal (process memory, not money: a float is fine). */
export function fmtMiB(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}
